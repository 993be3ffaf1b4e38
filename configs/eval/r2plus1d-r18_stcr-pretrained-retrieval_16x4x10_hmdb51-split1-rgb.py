# Retrieval and kNN of a frozen R(2+1)D-18, HMDB51 split 1: configs/eval/README.md.
_base_ = [
    '../_base_/models/r2plus1d_r18.py', '../_base_/datasets/hmdb51_retrieval.py',
    '../_base_/default_runtime.py'
]
model = dict(cls_head=_base_.retrieval_head)
