# Retrieval and kNN of a frozen I3D (ResNet-50), UCF101 split 1: configs/eval/README.md.
_base_ = [
    '../_base_/models/i3d_r50.py', '../_base_/datasets/ucf101_retrieval.py',
    '../_base_/default_runtime.py'
]
model = dict(cls_head=_base_.retrieval_head)
