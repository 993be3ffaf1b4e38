# Quick start, step 3: video retrieval and kNN of the frozen narrow R3D-18 on
# the synthetic motion dataset, split 1: test videos query train videos; the
# same protocol as configs/_base_/datasets/ucf101_retrieval.py at CPU size.
_base_ = ['./r3d-tiny_scratch_1xb8-16x2x1-16e_motion.py']

model = dict(
    cls_head=dict(
        _delete_=True,
        type='RetrievalFeatureHead',
        pool_type='max',
        output_size=(1, 2, 2)))
retrieval_pipeline = [
    dict(step, meta_keys=('retrieval_role', ))
    if step['type'] == 'PackActionInputs' else step
    for step in _base_.test_pipeline
]
test_dataloader = dict(
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
train_dataloader = None
train_cfg = None
val_dataloader = None
val_evaluator = None
val_cfg = None
optim_wrapper = None
param_scheduler = None
