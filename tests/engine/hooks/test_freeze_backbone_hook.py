"""FreezeBackboneHook: a linear probe trains the head only; the backbone's
weights and BN statistics stay bit-identical across epochs and validation."""
import copy
import json
import os
import traceback
from types import SimpleNamespace

import pytest
import torch
import torch.distributed as dist
import torch.nn as nn
from mmengine import Config
from mmengine.model import MMDistributedDataParallel
from mmengine.runner import Runner

import mmstcr  # noqa: F401  (registers mmstcr's modules)
from mmstcr.engine import FreezeBackboneHook

PIPELINE = [
    dict(type='DecordInit'),
    dict(type='SampleFrames', clip_len=4, frame_interval=1, num_clips=1),
    dict(type='DecordDecode'),
    dict(type='Resize', scale=(-1, 32)),
    dict(type='FormatShape', input_format='NCTHW'),
    dict(type='PackActionInputs')
]


def probe_cfg(data, work_dir, freeze):
    loader = dict(
        batch_size=2,
        num_workers=0,
        sampler=dict(type='DefaultSampler', shuffle=False),
        dataset=dict(
            type='VideoDataset',
            ann_file=data.ann_file,
            data_prefix=dict(video=data.video_dir),
            pipeline=PIPELINE))
    return Config(
        dict(
            default_scope='mmaction',
            work_dir=work_dir,
            model=dict(
                type='Recognizer3D',
                backbone=dict(
                    type='ResNet3d',
                    depth=18,
                    base_channels=8,
                    pretrained=None,
                    pretrained2d=False,
                    conv1_kernel=(1, 3, 3),
                    inflate=(0, 0, 0, 0),
                    norm_eval=False),
                cls_head=dict(
                    type='I3DHead',
                    num_classes=2,
                    in_channels=64,
                    dropout_ratio=0.0,
                    average_clips='prob'),
                data_preprocessor=dict(
                    type='ActionDataPreprocessor', format_shape='NCTHW')),
            train_dataloader=loader,
            val_dataloader=copy.deepcopy(loader),
            val_evaluator=dict(type='AccMetric'),
            # 2 epochs of 2 iterations, validation after each: the loops call
            # model.train() at each epoch start and after each validation.
            train_cfg=dict(
                type='EpochBasedTrainLoop', max_epochs=2, val_interval=1),
            val_cfg=dict(type='ValLoop'),
            optim_wrapper=dict(
                optimizer=dict(
                    type='SGD', lr=0.5, momentum=0.9, weight_decay=1e-2)),
            default_hooks=dict(checkpoint=None),
            custom_hooks=[dict(type='FreezeBackboneHook')] if freeze else [],
            log_level='WARNING'))


@pytest.mark.parametrize('freeze', [True, False])
def test_linear_probe_keeps_backbone_bit_identical(tmp_path,
                                                   make_video_dataset, freeze):
    data = make_video_dataset(num_videos=4, num_classes=2, size=32)
    runner = Runner.from_cfg(probe_cfg(data, str(tmp_path), freeze))
    runner.model.init_weights()
    before = {k: v.clone() for k, v in runner.model.state_dict().items()}
    runner.train()
    after = runner.model.state_dict()
    assert runner.iter == 4  # 2 epochs x 2 iterations all ran
    backbone = [k for k in before if k.startswith('backbone.')]
    stats = [k for k in backbone if 'running_' in k]
    assert stats and len(backbone) > len(stats)
    head = [k for k in before if k.startswith('cls_head.')]
    # The head always learns.
    assert all(not torch.equal(before[k], after[k]) for k in head)
    if freeze:
        for key in backbone:  # weights, BN running stats, batch counters
            assert torch.equal(before[key], after[key]), key
        assert all(not p.requires_grad
                   for p in runner.model.backbone.parameters())
    else:  # the control: without the hook the same run changes them
        assert not torch.equal(before['backbone.conv1.conv.weight'],
                               after['backbone.conv1.conv.weight'])
        assert all(not torch.equal(before[k], after[k]) for k in stats)


def test_bad_module_name():
    with pytest.raises(ValueError, match='module_name'):
        FreezeBackboneHook(module_name='')
    hook = FreezeBackboneHook(module_name='encoder')
    runner = SimpleNamespace(model=torch.nn.Sequential())
    with pytest.raises(AttributeError, match="'encoder'"):
        hook.before_run(runner)


def _ddp_rank(rank, tmp_dir, find_unused):
    """Wrap a model in DDP across two gloo processes, then run the hook;
    write what happened to ``rank{rank}.json``."""
    try:
        dist.init_process_group(
            'gloo',
            init_method=f'file://{tmp_dir}/init',
            rank=rank,
            world_size=2)
        model = nn.Module()
        model.backbone = nn.Linear(3, 4)
        model.head = nn.Linear(4, 2)
        ddp = MMDistributedDataParallel(
            module=model, find_unused_parameters=find_unused)
        try:
            FreezeBackboneHook().before_run(SimpleNamespace(model=ddp))
            result = ['ok', model.backbone.weight.requires_grad]
        except RuntimeError as exc:
            result = ['error', str(exc)]
        with open(f'{tmp_dir}/rank{rank}.json', 'w') as f:
            json.dump(result, f)
        dist.destroy_process_group()
    except BaseException:
        traceback.print_exc()
        os._exit(1)
    os._exit(0)


@pytest.mark.parametrize('find_unused', [False, True])
def test_distributed_run_needs_find_unused_parameters(tmp_path, find_unused,
                                                      run_two_ranks):
    codes = run_two_ranks(_ddp_rank, (str(tmp_path), find_unused))
    assert codes == [0, 0]
    results = [
        json.loads((tmp_path / f'rank{rank}.json').read_text())
        for rank in range(2)
    ]
    if find_unused:
        assert results == [['ok', False], ['ok', False]]
    else:
        assert [r[0] for r in results] == ['error', 'error']
        assert 'find_unused_parameters = True' in results[0][1]
