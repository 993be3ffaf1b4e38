# UCF101 video retrieval and kNN on frozen features (docs/method.md, "Protocols"):
# the test split's videos are the queries, the train split's the gallery;
# each video is 10 clips of 16 frames spread evenly over it, centre crop 112,
# and its feature is the average over the clips. Every video counts.
# Runs through tools/test.py or tools/analysis/video_retrieval.py (strict
# loading of the checkpoint's backbone).
_base_ = ['./ucf101_finetune.py']

# The protocol's feature: the last conv map max-pooled to 1x2x2 (a retrieval
# config sets `model = dict(cls_head=retrieval_head)`).
retrieval_head = dict(
    _delete_=True,
    type='RetrievalFeatureHead',
    pool_type='max',
    output_size=(1, 2, 2))

retrieval_pipeline = [
    dict(type='CheckedDecordInit', io_backend='disk'),
    dict(
        type='SampleFrames',
        clip_len=16,
        frame_interval=4,
        num_clips=10,
        test_mode=True),
    dict(type='DecordDecode'),
    dict(type='Resize', scale=(-1, 128)),
    dict(type='CenterCrop', crop_size=112),
    dict(type='FormatShape', input_format='NCTHW'),
    dict(type='PackActionInputs', meta_keys=('retrieval_role', )),
]
test_dataloader = dict(
    batch_size=4,
    num_workers=8,
    persistent_workers=True,
    pin_memory=True,  # GPU runs; PyTorch only warns without a GPU
    sampler=dict(type='DefaultSampler', shuffle=False),
    dataset=dict(
        _delete_=True,
        type='RetrievalVideoDataset',
        query_ann_file=_base_.ann_file_test,
        gallery_ann_file=_base_.ann_file_train,
        data_prefix=dict(video=_base_.data_root),
        pipeline=retrieval_pipeline))
test_evaluator = [
    dict(type='VideoRetrievalMetric', topk=(1, 5, 10, 20, 50)),
    dict(type='KNNAccuracy', k=(1, 20), temperature=0.07),
]
test_cfg = dict(type='TestLoop')
# Evaluation only: the Runner needs the train and val parts all set or all
# None.
train_dataloader = None
train_cfg = None
val_dataloader = None
val_evaluator = None
val_cfg = None
optim_wrapper = None
param_scheduler = None
