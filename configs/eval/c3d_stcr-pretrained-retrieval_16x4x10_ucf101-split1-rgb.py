# Retrieval and kNN of a frozen C3D, UCF101 split 1: configs/eval/README.md.
_base_ = [
    '../_base_/models/c3d.py', '../_base_/datasets/ucf101_retrieval.py',
    '../_base_/default_runtime.py'
]
model = dict(cls_head=_base_.retrieval_head)
