"""``mmstcr.engine.launch``: ``persistent_workers`` off where a data loader
has no workers, and the ``--tensorboard`` / ``--wandb`` backends."""
import importlib.util
import os.path as osp
from argparse import Namespace

import pytest
from mmengine.config import Config
from mmengine.logging import MMLogger

from mmstcr.engine.launch import (add_vis_backends, fix_persistent_workers,
                                  merge_test_args, merge_train_args)

REPO = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
FINETUNE = osp.join(REPO, 'configs', 'finetune', 'r3d-r18_scratch_8xb8-16x4x1-45e_ucf101-split1-rgb.py')


def _train_args(**kwargs):
    args = dict(config=FINETUNE, work_dir=None, resume=None, amp=False,
                no_validate=False, auto_scale_lr=False, seed=None,
                diff_rank_seed=False, deterministic=False, launcher='none',
                cfg_options=None)
    args.update(kwargs)
    return Namespace(**args)


def test_persistent_workers_off_only_where_num_workers_is_zero(capsys):
    cfg = Config.fromfile(FINETUNE)
    cfg.train_dataloader.num_workers = 0
    cfg.test_dataloader.pop('num_workers')  # DataLoader's default: 0
    MMLogger.get_instance('test_launch_options')
    assert fix_persistent_workers(cfg) == ['train_dataloader',
                                           'test_dataloader']
    assert cfg.train_dataloader.persistent_workers is False
    assert cfg.test_dataloader.persistent_workers is False
    assert cfg.val_dataloader.persistent_workers is True
    assert fix_persistent_workers(cfg) == []  # nothing left to change


def test_merge_train_and_test_args_apply_it(tmp_path):
    cfg = merge_train_args(
        Config.fromfile(FINETUNE),
        _train_args(cfg_options={'train_dataloader.num_workers': 0,
                                 'val_dataloader.num_workers': 0}))
    assert cfg.train_dataloader.persistent_workers is False
    assert cfg.val_dataloader.persistent_workers is False
    assert cfg.test_dataloader.persistent_workers is True

    ckpt = tmp_path / 'c.pth'
    ckpt.write_bytes(b'')
    cfg = merge_test_args(
        Config.fromfile(FINETUNE),
        Namespace(config=FINETUNE, checkpoint=str(ckpt), work_dir=None,
                  dump=None, launcher='none',
                  cfg_options={'test_dataloader.num_workers': 0}))
    assert cfg.test_dataloader.persistent_workers is False
    assert cfg.train_dataloader.persistent_workers is True


def test_none_loaders_are_skipped():
    cfg = Config.fromfile(
        osp.join(REPO, 'configs', 'stcr', 'stcr_r3d-r18_8xb8-16x4x1-50e_ucf101-split1-rgb.py'))
    assert cfg.val_dataloader is None
    cfg.train_dataloader.num_workers = 0
    assert fix_persistent_workers(cfg) == ['train_dataloader']


needs_tensorboard = pytest.mark.skipif(
    importlib.util.find_spec('tensorboard') is None,
    reason='tensorboard is not installed (requirements/tests.txt)')


@needs_tensorboard
def test_tensorboard_is_appended_once():
    cfg = Config.fromfile(FINETUNE)
    assert add_vis_backends(cfg, tensorboard=True) == [
        'TensorboardVisBackend'
    ]
    types = [b['type'] for b in cfg.visualizer.vis_backends]
    assert types == ['LocalVisBackend', 'TensorboardVisBackend']
    assert add_vis_backends(cfg, tensorboard=True) == []
    assert len(cfg.visualizer.vis_backends) == 2


@needs_tensorboard
def test_merge_train_args_reads_the_flag():
    cfg = merge_train_args(Config.fromfile(FINETUNE),
                           _train_args(tensorboard=True))
    assert cfg.visualizer.vis_backends[-1]['type'] == 'TensorboardVisBackend'
    # callers whose args predate the flag still work
    cfg = merge_train_args(Config.fromfile(FINETUNE), _train_args())
    assert [b['type'] for b in cfg.visualizer.vis_backends
            ] == ['LocalVisBackend']


def test_missing_package_names_the_extra(monkeypatch):
    real = importlib.util.find_spec
    monkeypatch.setattr(
        importlib.util, 'find_spec',
        lambda name, *a: None if name == 'wandb' else real(name, *a))
    cfg = Config.fromfile(FINETUNE)
    with pytest.raises(ImportError, match=r'mmstcr\[wandb\]'):
        add_vis_backends(cfg, wandb=True)


def test_documented_cfg_options_form_for_mmaction_tools():
    """MMAction2's own tools/train.py has no --tensorboard; the documented
    override replaces the local backend by TensorBoard's."""
    cfg = Config.fromfile(FINETUNE)
    cfg.merge_from_dict(
        {'visualizer.vis_backends.0.type': 'TensorboardVisBackend'},
        allow_list_keys=True)
    assert [b['type'] for b in cfg.visualizer.vis_backends
            ] == ['TensorboardVisBackend']
