# Video retrieval (R@1, 5, 10, 20, 50) and kNN accuracy of a frozen I3D-R50
# backbone on UCF101 split 1: test videos query the train videos by cosine
# similarity of their last conv features, max-pooled to 1x2x2.
#   python tools/analysis/video_retrieval.py \
#       configs/eval/i3d-r50_stcr-pretrained-retrieval_16x4x10_ucf101-split1-rgb.py \
#       work_dirs/stcr_i3d-r50_8xb8-16x4x1-50e_ucf101-split1-rgb/epoch_50.pth --out retrieval.md
# Other splits: --cfg-options with test_dataloader.dataset.query_ann_file and
# gallery_ann_file.
_base_ = [
    '../_base_/models/i3d_r50.py',
    '../_base_/datasets/ucf101_retrieval.py',
    '../_base_/default_runtime.py',
]

model = dict(
    cls_head=dict(
        _delete_=True,
        type='RetrievalFeatureHead',
        pool_type='max',
        output_size=(1, 2, 2)))
