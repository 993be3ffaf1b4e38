# Retrieval and kNN of a frozen R(2+1)D-18, UCF101 split 1: configs/eval/README.md.
_base_ = [
    '../_base_/models/r2plus1d_r18.py', '../_base_/datasets/ucf101_retrieval.py',
    '../_base_/default_runtime.py'
]
model = dict(cls_head=_base_.retrieval_head)
