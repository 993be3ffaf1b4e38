# Video retrieval (R@1, 5, 10, 20, 50) and kNN accuracy of a frozen R3D-18
# backbone on HMDB51 split 1: test videos query the train videos by cosine
# similarity of their last conv features, max-pooled to 1x2x2.
#   python tools/analysis/video_retrieval.py \
#       configs/eval/r3d-r18_stcr-pretrained-retrieval_16x4x10_hmdb51-split1-rgb.py \
#       work_dirs/stcr_r3d-r18_8xb8-16x4x1-50e_ucf101-split1-rgb/epoch_50.pth --out retrieval.md
# Other splits: --cfg-options with test_dataloader.dataset.query_ann_file and
# gallery_ann_file.
_base_ = [
    '../_base_/models/r3d_r18.py',
    '../_base_/datasets/hmdb51_retrieval.py',
    '../_base_/default_runtime.py',
]

model = dict(
    cls_head=dict(
        _delete_=True,
        type='RetrievalFeatureHead',
        pool_type='max',
        output_size=(1, 2, 2)))
