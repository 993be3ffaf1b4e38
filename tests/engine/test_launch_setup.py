"""The tools' glue (mmstcr.engine.launch): argument merging and the CPU
fallback."""
import os.path as osp
from argparse import Namespace

import pytest
import torch
import torch.distributed as torch_dist
from mmengine.config import Config

from mmstcr.engine import (adapt_cfg_to_cpu, finish_launch, launch,
                           load_config, merge_test_args, merge_train_args,
                           setup_launch)

TINY_CONFIG = osp.join(
    osp.dirname(osp.dirname(__file__)), 'data', 'configs',
    'tiny_recognizer3d.py')


def make_train_args(**kwargs):
    args = dict(
        config=TINY_CONFIG,
        work_dir=None,
        resume=None,
        amp=False,
        no_validate=False,
        auto_scale_lr=False,
        seed=None,
        diff_rank_seed=False,
        deterministic=False,
        launcher='none',
        cfg_options=None)
    args.update(kwargs)
    return Namespace(**args)


def make_test_args(**kwargs):
    args = dict(
        config=TINY_CONFIG,
        checkpoint=None,
        work_dir=None,
        dump=None,
        launcher='none',
        cfg_options=None)
    args.update(kwargs)
    return Namespace(**args)


@pytest.fixture
def cfg():
    return Config.fromfile(TINY_CONFIG)


def test_load_config_names_a_missing_file(tmp_path):
    path = str(tmp_path / 'nope.py')
    with pytest.raises(FileNotFoundError, match=path):
        load_config(path)


def test_work_dir_priority(cfg, tmp_path):
    merge_train_args(cfg, make_train_args())
    assert cfg.work_dir == osp.join('./work_dirs', 'tiny_recognizer3d')
    cfg.work_dir = 'from/config'
    merge_train_args(cfg, make_train_args())
    assert cfg.work_dir == 'from/config'
    merge_train_args(cfg, make_train_args(work_dir=str(tmp_path)))
    assert cfg.work_dir == str(tmp_path)


def test_resume_auto_and_path(cfg, tmp_path):
    merge_train_args(cfg, make_train_args(resume='auto'))
    assert cfg.resume is True and cfg.load_from is None
    ckpt = tmp_path / 'epoch_1.pth'
    ckpt.write_bytes(b'')
    merge_train_args(cfg, make_train_args(resume=str(ckpt)))
    assert cfg.resume is True and cfg.load_from == str(ckpt)


def test_resume_from_a_missing_checkpoint_names_it(cfg, tmp_path):
    path = str(tmp_path / 'missing.pth')
    with pytest.raises(FileNotFoundError, match=path):
        merge_train_args(cfg, make_train_args(resume=path))
    with pytest.raises(FileNotFoundError, match=path):
        merge_train_args(
            cfg, make_train_args(cfg_options=dict(load_from=path)))


def test_amp_seed_validate_and_cfg_options(cfg):
    merge_train_args(
        cfg,
        make_train_args(
            amp=True,
            seed=7,
            deterministic=True,
            no_validate=True,
            auto_scale_lr=True,
            launcher='pytorch',
            cfg_options={'train_cfg.max_epochs': 5}))
    assert cfg.optim_wrapper.type == 'AmpOptimWrapper'
    assert cfg.optim_wrapper.loss_scale == 'dynamic'
    assert cfg.randomness == dict(seed=7, deterministic=True)
    assert cfg.val_cfg is None and cfg.val_dataloader is None
    assert cfg.auto_scale_lr.enable is True
    assert cfg.launcher == 'pytorch'
    assert cfg.train_cfg.max_epochs == 5


def test_seed_overrides_the_config_randomness(cfg):
    cfg.randomness = dict(seed=1, deterministic=False)
    merge_train_args(cfg, make_train_args(seed=3))
    assert cfg.randomness == dict(seed=3, deterministic=False)


def test_amp_refuses_custom_optim_wrappers(cfg):
    cfg.optim_wrapper.type = 'MyWrapper'
    with pytest.raises(ValueError, match='MyWrapper'):
        merge_train_args(cfg, make_train_args(amp=True))


def test_merge_test_args(cfg, tmp_path):
    ckpt = tmp_path / 'model.pth'
    ckpt.write_bytes(b'')
    merge_test_args(
        cfg,
        make_test_args(
            checkpoint=str(ckpt),
            dump=str(tmp_path / 'out.pkl'),
            cfg_options={'test_dataloader.batch_size': 1}))
    assert cfg.load_from == str(ckpt)
    assert cfg.test_evaluator[-1] == dict(
        type='DumpResults', out_file_path=str(tmp_path / 'out.pkl'))
    assert cfg.test_dataloader.batch_size == 1
    with pytest.raises(ValueError, match='out.txt'):
        merge_test_args(
            cfg, make_test_args(checkpoint=str(ckpt), dump='out.txt'))


def test_merge_test_args_names_a_missing_checkpoint(cfg, tmp_path):
    path = str(tmp_path / 'missing.pth')
    with pytest.raises(FileNotFoundError, match=path):
        merge_test_args(cfg, make_test_args(checkpoint=path))


def test_cpu_fallback_for_a_distributed_run(cfg):
    cfg.launcher = 'pytorch'
    changes = adapt_cfg_to_cpu(cfg)
    assert cfg.env_cfg.dist_cfg.backend == 'gloo'
    assert 'sync_bn' not in cfg
    assert cfg.model_wrapper_cfg == dict(
        type='MMDistributedDataParallel',
        broadcast_buffers=False,
        find_unused_parameters=False,
        device_ids=None)
    assert len(changes) == 2
    assert 'nccl -> gloo' in changes[0] and 'sync_bn' in changes[1]


def test_cpu_fallback_keeps_a_configured_ddp_wrapper(cfg):
    cfg.launcher = 'slurm'
    cfg.model_wrapper_cfg = dict(
        type='MMDistributedDataParallel', find_unused_parameters=True)
    adapt_cfg_to_cpu(cfg)
    assert cfg.model_wrapper_cfg == dict(
        type='MMDistributedDataParallel',
        find_unused_parameters=True,
        device_ids=None)


def test_cpu_fallback_leaves_non_ddp_wrappers_alone(cfg):
    cfg.launcher = 'pytorch'
    cfg.model_wrapper_cfg = dict(type='MMFullyShardedDataParallel')
    adapt_cfg_to_cpu(cfg)
    assert cfg.model_wrapper_cfg == dict(type='MMFullyShardedDataParallel')


def test_cpu_fallback_leaves_a_single_process_run_alone(cfg):
    cfg.launcher = 'none'
    assert adapt_cfg_to_cpu(cfg) == []
    assert cfg.sync_bn == 'torch'
    assert cfg.env_cfg.dist_cfg.backend == 'nccl'
    assert 'model_wrapper_cfg' not in cfg


def test_cpu_fallback_turns_amp_off(cfg):
    cfg.launcher = 'none'
    cfg.optim_wrapper.update(
        type='AmpOptimWrapper', loss_scale=512., dtype='float16')
    changes = adapt_cfg_to_cpu(cfg)
    assert cfg.optim_wrapper == dict(
        type='OptimWrapper', optimizer=cfg.optim_wrapper.optimizer)
    assert changes == [
        'AMP off (AmpOptimWrapper needs a GPU), training in float32'
    ]


def test_amp_optim_wrapper_really_needs_a_gpu():
    # Why the fallback exists; if MMEngine lifts the limit, revisit it.
    if torch.cuda.is_available():
        pytest.skip('needs a machine without a GPU')
    from mmengine.optim import AmpOptimWrapper
    model = torch.nn.Linear(2, 2)
    with pytest.raises(AssertionError, match='only available training on gpu'):
        AmpOptimWrapper(optimizer=torch.optim.SGD(model.parameters(), lr=1))


def test_setup_launch_changes_nothing_with_a_gpu(cfg, monkeypatch):
    monkeypatch.setattr(launch, 'get_device', lambda: 'cuda')
    cfg.launcher = 'pytorch'
    before = cfg.to_dict()
    setup_launch(cfg)
    assert cfg.to_dict() == before
    assert not torch_dist.is_initialized()


def test_setup_launch_inits_gloo_and_logs_one_line(cfg, monkeypatch,
                                                   free_port):
    if torch.cuda.is_available():
        pytest.skip('the CPU fallback runs only without a GPU')
    for key, value in dict(
            RANK='0',
            WORLD_SIZE='1',
            LOCAL_RANK='0',
            MASTER_ADDR='127.0.0.1',
            MASTER_PORT=str(free_port())).items():
        monkeypatch.setenv(key, value)
    logged = []
    monkeypatch.setattr(launch, 'print_log',
                        lambda msg, **kwargs: logged.append(msg))
    monkeypatch.setattr(launch, 'tune_malloc', lambda: True)
    cfg.launcher = 'pytorch'
    cfg.env_cfg.dist_cfg.timeout = 60
    try:
        setup_launch(cfg)
        assert torch_dist.is_initialized()
        assert torch_dist.get_backend() == 'gloo'
        finish_launch()
        assert not torch_dist.is_initialized()
        finish_launch()  # nothing left to destroy: a no-op
    finally:
        if torch_dist.is_initialized():
            torch_dist.destroy_process_group()
    assert len(logged) == 1
    assert logged[0].startswith('No GPU found, running on CPU: ')
    assert 'gloo' in logged[0] and 'sync_bn' in logged[0]
    assert 'glibc malloc' in logged[0]


@pytest.mark.parametrize('mode,called', [(None, True), ('tuned', True),
                                         ('default', False)])
def test_setup_launch_tunes_malloc_on_cpu(cfg, monkeypatch, mode, called):
    calls, logged = [], []
    monkeypatch.setattr(launch, 'get_device', lambda: 'cpu')
    monkeypatch.setattr(launch, 'tune_malloc', lambda: calls.append(1) or 1)
    monkeypatch.setattr(launch, 'print_log',
                        lambda msg, **kwargs: logged.append(msg))
    cfg.launcher = 'none'
    if mode is None:
        cfg.env_cfg.pop('cpu_malloc', None)  # a config without the key
    else:
        cfg.env_cfg.cpu_malloc = mode
    setup_launch(cfg)
    assert len(calls) == int(called)
    assert any('glibc malloc' in m for m in logged) == called


@pytest.mark.parametrize('device', ['cpu', 'cuda'])
def test_setup_launch_names_a_bad_cpu_malloc(cfg, monkeypatch, device):
    monkeypatch.setattr(launch, 'get_device', lambda: device)
    monkeypatch.setattr(launch, 'tune_malloc', lambda: pytest.fail('tuned'))
    cfg.env_cfg.cpu_malloc = 'jemalloc'
    with pytest.raises(ValueError,
                       match=r"env_cfg.cpu_malloc must be one of \('tuned', "
                       r"'default'\); got 'jemalloc'"):
        setup_launch(cfg)


def test_slurm_and_mpi_environments(monkeypatch):
    for key in ('RANK', 'WORLD_SIZE', 'LOCAL_RANK', 'MASTER_ADDR',
                'MASTER_PORT'):
        monkeypatch.delenv(key, raising=False)
    for key, value in dict(
            SLURM_PROCID='3',
            SLURM_NTASKS='4',
            SLURM_LOCALID='1',
            SLURM_NODELIST='node[1-2]',
            MASTER_ADDR='10.0.0.1').items():
        monkeypatch.setenv(key, value)
    launch.dist_env_from_launcher('slurm', port=12345)
    env = launch.os.environ
    assert (env['RANK'], env['WORLD_SIZE'], env['LOCAL_RANK'],
            env['MASTER_ADDR'], env['MASTER_PORT']) == (
                '3', '4', '1', '10.0.0.1', '12345')

    monkeypatch.delenv('MASTER_PORT')
    for key, value in dict(
            OMPI_COMM_WORLD_RANK='2',
            OMPI_COMM_WORLD_SIZE='8',
            OMPI_COMM_WORLD_LOCAL_RANK='0').items():
        monkeypatch.setenv(key, value)
    launch.dist_env_from_launcher('mpi')
    assert (env['RANK'], env['WORLD_SIZE'], env['LOCAL_RANK'],
            env['MASTER_PORT']) == ('2', '8', '0', '29500')
    monkeypatch.delenv('MASTER_ADDR')
    with pytest.raises(KeyError, match='MASTER_ADDR'):
        launch.dist_env_from_launcher('mpi')
