"""STCRPretrainedHook: loads the backbone in before_run, which the Runner
calls before init_weights; the head is left to init_weights. (Full Runner
runs: tests/models/utils/test_stcr_pretrained.py and
tests/tools/test_video_retrieval.py.)"""
from types import SimpleNamespace

import pytest
import torch
import torch.nn as nn
from mmaction.registry import HOOKS
from mmengine.model import BaseModule
from mmengine.runner import BaseLoop

import mmstcr  # noqa: F401  (registers mmstcr's modules)
from mmstcr.engine import STCRPretrainedHook


class _TrainLoop(BaseLoop):
    """Stands for the train loop that Runner.train() builds before
    before_run."""

    def __init__(self):  # no runner, no dataloader needed here
        pass

    def run(self):
        pass


def training_runner(model):
    return SimpleNamespace(model=model, _train_loop=_TrainLoop())


class Net(BaseModule):

    def __init__(self):
        super().__init__()
        self.backbone = nn.Sequential(nn.Linear(3, 4), nn.BatchNorm1d(4))
        self.cls_head = nn.Linear(4, 2)


def test_before_run_loads_and_marks_the_backbone(tmp_path):
    source = Net()
    with torch.no_grad():
        for value in source.state_dict().values():
            if value.is_floating_point():
                value.copy_(torch.rand_like(value) + 2)
    torch.save({'state_dict': source.state_dict()}, tmp_path / 'ckpt.pth')
    hook = HOOKS.build(
        dict(type='STCRPretrainedHook', checkpoint=str(tmp_path / 'ckpt.pth')))
    assert hook.priority == 'VERY_HIGH'
    model = Net()
    head_before = model.cls_head.weight.clone()
    hook.before_run(training_runner(model))
    for key, value in source.backbone.state_dict().items():
        assert torch.equal(model.backbone.state_dict()[key], value), key
    assert model.backbone.is_init is True
    # Only the backbone: the head is untouched (init_weights handles it).
    assert torch.equal(model.cls_head.weight, head_before)


def test_errors_propagate(tmp_path):
    hook = STCRPretrainedHook(checkpoint=str(tmp_path / 'none.pth'))
    with pytest.raises(FileNotFoundError, match='none.pth'):
        hook.before_run(training_runner(Net()))
    with pytest.raises(ValueError, match='prefix'):
        STCRPretrainedHook(checkpoint='x.pth', prefix='backbone')


def test_does_nothing_when_not_training(tmp_path):
    """Runner.test()/val() call before_run with an unbuilt train loop: the
    evaluated weights come from load_from, so the STCR checkpoint (absent
    here) is not read and the model is left as it is."""
    hook = STCRPretrainedHook(checkpoint=str(tmp_path / 'absent.pth'))
    model = Net()
    before = {k: v.clone() for k, v in model.state_dict().items()}
    logs = []
    for train_loop in (None, dict(type='EpochBasedTrainLoop', max_epochs=1)):
        hook.before_run(
            SimpleNamespace(
                model=model,
                _train_loop=train_loop,
                logger=SimpleNamespace(info=logs.append)))
    for key, value in model.state_dict().items():
        assert torch.equal(value, before[key]), key
    assert len(logs) == 2 and 'not training' in logs[0]


def test_load_outside_training_loads_in_test(tmp_path):
    """Every backbone tensor, batch-norm statistics included, comes from
    the checkpoint: the source's are set to values that a fresh Net never
    has (a fresh BatchNorm1d has weight 1, bias 0, mean 0, var 1, 0
    batches), so a tensor left unloaded fails its comparison."""
    source = Net()
    with torch.no_grad():
        bn = source.backbone[1]
        bn.weight.copy_(torch.tensor([2., 3., 4., 5.]))
        bn.bias.copy_(torch.tensor([-1., -2., -3., -4.]))
        bn.running_mean.copy_(torch.tensor([.5, .6, .7, .8]))
        bn.running_var.copy_(torch.tensor([1.5, 2.5, 3.5, 4.5]))
        bn.num_batches_tracked.fill_(7)
    torch.save({'state_dict': source.state_dict()}, tmp_path / 'ckpt.pth')
    hook = STCRPretrainedHook(
        checkpoint=str(tmp_path / 'ckpt.pth'), load_outside_training=True)
    model = Net()
    head = {k: v.clone() for k, v in model.cls_head.state_dict().items()}
    hook.before_run(SimpleNamespace(model=model, _train_loop=None))
    for key, value in source.backbone.state_dict().items():
        assert torch.equal(model.backbone.state_dict()[key], value), key
    # the head is not the checkpoint's: left to init_weights
    for key, value in model.cls_head.state_dict().items():
        assert torch.equal(value, head[key]), key
