"""NaN and Inf stop training and never reach a checkpoint; a non-finite
checkpoint cannot be loaded or finetuned from (issue 9, item 5)."""
import math
from types import SimpleNamespace

import pytest
import torch
import torch.nn as nn
from mmengine.model import BaseModule
from mmengine.runner import BaseLoop

import mmstcr  # noqa: F401
from mmstcr.engine import STCRPretrainedHook
from mmstcr.engine.hooks import FiniteLossHook, NonFiniteLossError
from mmstcr.utils import NonFiniteCheckpointError, load_from_local


class _OptimWrapper:

    def get_lr(self):
        return {'lr': [0.5]}


def runner(iteration=3, epoch=1):
    return SimpleNamespace(
        iter=iteration, epoch=epoch, optim_wrapper=_OptimWrapper())


def test_stops_at_first_non_finite_term_naming_iteration_term_and_lr():
    hook = FiniteLossHook()
    hook.after_train_iter(
        runner(), 0, outputs=dict(loss=torch.tensor(1.), loss_tw=0.5))
    for bad in (math.nan, math.inf, -math.inf):
        outputs = dict(
            loss_tw=torch.tensor(0.2), loss_cw=torch.tensor(bad),
            feat_std=torch.tensor(0.3), loss=torch.tensor(bad))
        with pytest.raises(NonFiniteLossError) as info:
            hook.after_train_iter(runner(), 1, outputs=outputs)
        msg = str(info.value)
        assert msg.startswith('non-finite training value at iteration 4 '
                              f'(epoch 2, batch 2): loss_cw={bad}')
        assert 'learning rate: lr=0.5' in msg and 'loss_tw=0.2' in msg
        assert 'this state is not saved' in msg
    # a logged-only value going bad stops training too
    with pytest.raises(NonFiniteLossError, match='feat_std=nan'):
        hook.after_train_iter(runner(), 0, outputs=dict(
            loss=torch.tensor(1.), feat_std=torch.tensor(math.nan)))


def test_enabled_false_turns_it_off():
    """The same NaN loss and NaN weights: the enabled hook stops on both,
    the disabled one returns and leaves the checkpoint as it was."""
    outputs = dict(loss=torch.tensor(math.nan))

    def checkpoint():
        return {'state_dict': {'w': torch.tensor([math.nan, 1.])}}

    enabled = FiniteLossHook()
    with pytest.raises(NonFiniteLossError, match='loss=nan'):
        enabled.after_train_iter(runner(), 0, outputs=outputs)
    with pytest.raises(NonFiniteLossError, match="weight 'w' is NaN"):
        enabled.before_save_checkpoint(runner(), checkpoint())
    disabled = FiniteLossHook(enabled=False)
    assert disabled.after_train_iter(runner(), 0, outputs=outputs) is None
    saved = checkpoint()
    assert disabled.before_save_checkpoint(runner(), saved) is None
    assert list(saved) == ['state_dict'] and list(saved['state_dict']) == [
        'w']
    torch.testing.assert_close(saved['state_dict']['w'],
                               torch.tensor([math.nan, 1.]), equal_nan=True)


def test_refuses_to_save_non_finite_weights():
    hook = FiniteLossHook()
    good = {'state_dict': {'w': torch.ones(2), 'n': torch.tensor(3)}}
    hook.before_save_checkpoint(runner(), good)
    bad = {'state_dict': {'w': torch.ones(2),
                          'b': torch.tensor([1., math.nan])}}
    with pytest.raises(NonFiniteLossError, match="weight 'b' is NaN"):
        hook.before_save_checkpoint(runner(), bad)


class Net(BaseModule):

    def __init__(self):
        super().__init__()
        self.backbone = nn.Sequential(nn.Linear(3, 4), nn.BatchNorm1d(4))
        self.cls_head = nn.Linear(4, 2)


class _TrainLoop(BaseLoop):

    def __init__(self):
        pass

    def run(self):
        pass


def test_non_finite_checkpoint_is_refused_by_loader_and_finetuning(tmp_path):
    state = Net().state_dict()
    state['backbone.0.weight'][0, 0] = math.nan
    path = str(tmp_path / 'nan.pth')
    torch.save({'state_dict': state, 'meta': {}}, path)
    with pytest.raises(NonFiniteCheckpointError) as info:
        load_from_local(path)
    assert path in str(info.value)
    assert "'state_dict.backbone.0.weight'" in str(info.value)

    hook = STCRPretrainedHook(checkpoint=path)
    with pytest.raises(NonFiniteCheckpointError, match='non-finite'):
        hook.before_run(SimpleNamespace(model=Net(), _train_loop=_TrainLoop()))

    # a finite one still loads
    torch.save({'state_dict': Net().state_dict()}, path)
    assert 'state_dict' in load_from_local(path)
