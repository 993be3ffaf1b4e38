"""What ``tools/train.py`` and ``tools/test.py`` do between parsing their
arguments and building MMEngine's ``Runner``.

``merge_train_args`` and ``merge_test_args`` fold the command line into the
config with MMAction2's conventions. ``setup_launch`` then makes a config
written for GPUs run on a machine without one (docs/install.md, item 6):

- distributed runs (``--launcher pytorch|slurm|mpi``) use the gloo backend,
  whose process group is initialised here, before the Runner is built (the
  Runner then skips its own ``init_dist``, which calls
  ``torch.cuda.set_device``); ``sync_bn`` is dropped (SyncBN needs a GPU, so
  each process keeps its own BN statistics) and DDP wraps the CPU module
  (``device_ids=None``);
- ``AmpOptimWrapper`` (from ``--amp`` or the config), which asserts a GPU in
  its ``__init__`` (MMEngine 0.10.7), becomes a plain ``OptimWrapper``:
  training runs in float32 (why not bfloat16: docs/performance.md,
  "GPU settings");
- glibc's allocator serves large tensors from its heap and keeps them for
  the next step, instead of an mmap (and its page faults) per tensor above
  32 MiB (``env_cfg.cpu_malloc='tuned'``, the default; ``'default'`` leaves
  glibc alone; :func:`mmstcr.utils.tune_malloc`, docs/performance.md).

It logs one warning line naming what it changed. With a GPU it changes
nothing. ``finish_launch``, called after a run that ended without an error,
waits for every rank, destroys the process group (gloo or NCCL) and, in the
tools, ends a distributed process with status 0 without the interpreter's
shutdown, where gloo's threads can abort it (:func:`finish_launch`).

Both merges also turn ``persistent_workers`` off in every data loader with
``num_workers=0`` (PyTorch refuses the pair), see
:func:`fix_persistent_workers`; ``merge_train_args`` appends the
TensorBoard / W&B visualisation backends asked for by ``--tensorboard`` /
``--wandb`` (:func:`add_vis_backends`).
"""
import atexit
import datetime
import importlib.util
import logging
import os
import os.path as osp
import subprocess
import sys
from typing import List, Sequence

import torch.distributed as torch_dist
from mmaction.registry import MODEL_WRAPPERS
from mmengine.config import Config
from mmengine.device import get_device
from mmengine.dist import get_rank
from mmengine.logging import print_log
from torch.nn.parallel import DistributedDataParallel

from mmstcr.utils import MALLOC_MODES, check_checkpoint_path, tune_malloc


def load_config(path: str) -> Config:
    """``Config.fromfile`` with an error that names a missing file."""
    if not osp.isfile(path):
        raise FileNotFoundError(f'config file not found: {path}')
    return Config.fromfile(path)


def _default_work_dir(cfg: Config, config_path: str, work_dir=None) -> None:
    # Priority: command line > config > ./work_dirs/<config name>.
    if work_dir is not None:
        cfg.work_dir = work_dir
    elif cfg.get('work_dir', None) is None:
        cfg.work_dir = osp.join('./work_dirs',
                                osp.splitext(osp.basename(config_path))[0])


def merge_train_args(cfg: Config, args) -> Config:
    """Fold ``tools/train.py``'s arguments into ``cfg`` (in place).

    ``args`` has ``config``, ``work_dir``, ``resume`` (None, ``'auto'`` or a
    path), ``amp``, ``no_validate``, ``auto_scale_lr``, ``seed``,
    ``diff_rank_seed``, ``deterministic``, ``launcher`` and ``cfg_options``.
    ``--cfg-options`` are merged last, so they win.
    """
    cfg.launcher = args.launcher
    _default_work_dir(cfg, args.config, args.work_dir)
    if args.no_validate:
        cfg.val_cfg = cfg.val_dataloader = cfg.val_evaluator = None
    if args.amp:
        wrapper_type = cfg.optim_wrapper.get('type', 'OptimWrapper')
        if wrapper_type not in ('OptimWrapper', 'AmpOptimWrapper'):
            raise ValueError(f'--amp supports OptimWrapper configs only, '
                             f'not optim_wrapper.type={wrapper_type!r}')
        cfg.optim_wrapper.type = 'AmpOptimWrapper'
        cfg.optim_wrapper.setdefault('loss_scale', 'dynamic')
    if args.resume == 'auto':  # the latest checkpoint in work_dir, if any
        cfg.resume = True
        cfg.load_from = None
    elif args.resume is not None:
        cfg.resume = True
        cfg.load_from = args.resume
    if args.auto_scale_lr:
        cfg.auto_scale_lr.enable = True
    randomness = dict(cfg.get('randomness', None) or {})
    if args.seed is not None:
        randomness['seed'] = args.seed
    if args.diff_rank_seed:
        randomness['diff_rank_seed'] = True
    if args.deterministic:
        randomness['deterministic'] = True
    if randomness:
        cfg.randomness = randomness
    if args.cfg_options is not None:
        cfg.merge_from_dict(args.cfg_options)
    add_vis_backends(cfg, tensorboard=getattr(args, 'tensorboard', False),
                     wandb=getattr(args, 'wandb', False))
    fix_persistent_workers(cfg)
    if cfg.get('load_from', None):
        check_checkpoint_path(cfg.load_from)
    return cfg


def merge_test_args(cfg: Config, args) -> Config:
    """Fold ``tools/test.py``'s arguments into ``cfg`` (in place).

    ``args`` has ``config``, ``checkpoint``, ``work_dir``, ``dump``,
    ``launcher`` and ``cfg_options``.
    """
    check_checkpoint_path(args.checkpoint)
    if args.dump is not None:
        if not args.dump.endswith(('.pkl', '.pickle')):
            raise ValueError(f'--dump must name a .pkl file, got {args.dump}')
        dump = dict(type='DumpResults', out_file_path=args.dump)
        evaluator = cfg.test_evaluator
        cfg.test_evaluator = (list(evaluator) if isinstance(
            evaluator, (list, tuple)) else [evaluator]) + [dump]
    cfg.launcher = args.launcher
    if args.cfg_options is not None:
        cfg.merge_from_dict(args.cfg_options)
    _default_work_dir(cfg, args.config, args.work_dir)
    cfg.load_from = args.checkpoint
    fix_persistent_workers(cfg)
    return cfg


def fix_persistent_workers(cfg: Config) -> List[str]:
    """Set ``persistent_workers=False`` (in place) in every ``*_dataloader``
    of ``cfg`` whose ``num_workers`` is 0 or unset: PyTorch's DataLoader
    raises ``persistent_workers option needs num_workers > 0`` otherwise.
    Logs one line naming the loaders changed, and returns their names."""
    changed = []
    for key in list(cfg.keys()):
        loader = cfg.get(key)
        if key.endswith('_dataloader') and isinstance(loader, dict) and \
                loader.get('persistent_workers', False) and \
                not loader.get('num_workers', 0):
            loader['persistent_workers'] = False
            changed.append(key)
    if changed:
        print_log(
            f'num_workers=0: persistent_workers turned off in '
            f'{", ".join(changed)}',
            logger='current',
            level=logging.WARNING)
    return changed


# ``--tensorboard`` / ``--wandb``: backend type and the package it needs.
VIS_BACKENDS = {
    'tensorboard': ('TensorboardVisBackend', 'tensorboard'),
    'wandb': ('WandbVisBackend', 'wandb'),
}


def add_vis_backends(cfg: Config, tensorboard: bool = False,
                     wandb: bool = False) -> List[str]:
    """Append MMEngine's ``TensorboardVisBackend`` and/or ``WandbVisBackend``
    to ``cfg.visualizer.vis_backends`` (in place), keeping the backends
    already there (``LocalVisBackend``, whose ``scalars.json`` the curve
    tools read). A backend already listed is not added twice. Raises
    ``ImportError`` with the install command if its package is missing.
    Returns the backend types added."""
    wanted: Sequence[str] = [
        name for name, on in (('tensorboard', tensorboard),
                              ('wandb', wandb)) if on
    ]
    if not wanted:
        return []
    visualizer = cfg.get('visualizer', None)
    if visualizer is None:
        visualizer = cfg.visualizer = dict(
            type='ActionVisualizer',
            vis_backends=[dict(type='LocalVisBackend')])
    backends = list(visualizer.get('vis_backends', None) or [])
    present = {b.get('type') for b in backends}
    added = []
    for name in wanted:
        backend_type, package = VIS_BACKENDS[name]
        if importlib.util.find_spec(package) is None:
            raise ImportError(
                f'--{name} needs the {package!r} package: '
                f'pip install "mmstcr[{name}]" (or pip install {package})')
        if backend_type not in present:
            backends.append(dict(type=backend_type))
            added.append(backend_type)
    visualizer['vis_backends'] = backends
    return added


def adapt_cfg_to_cpu(cfg: Config) -> List[str]:
    """Change ``cfg`` (in place) so that it runs without a GPU; return a
    short note for each change made."""
    changes = []
    if cfg.get('launcher', 'none') != 'none':
        dist_cfg = cfg.setdefault('env_cfg', {}).setdefault('dist_cfg', {})
        backend = dist_cfg.get('backend', 'nccl')
        if backend != 'gloo':
            dist_cfg['backend'] = 'gloo'
            changes.append(f'dist backend {backend} -> gloo')
        sync_bn = cfg.pop('sync_bn', None)
        if sync_bn:
            changes.append(f"sync_bn='{sync_bn}' dropped (SyncBN needs a "
                           'GPU: each process keeps its own BN statistics)')
        wrapper = cfg.get('model_wrapper_cfg', None) or dict(
            type='MMDistributedDataParallel',
            broadcast_buffers=False,
            find_unused_parameters=cfg.get('find_unused_parameters', False))
        if _is_ddp(wrapper.get('type', 'MMDistributedDataParallel')):
            wrapper['device_ids'] = None
            cfg.model_wrapper_cfg = wrapper
    optim_wrapper = cfg.get('optim_wrapper', None)
    if optim_wrapper and optim_wrapper.get('type') == 'AmpOptimWrapper':
        for key in ('loss_scale', 'dtype', 'use_fsdp'):
            optim_wrapper.pop(key, None)
        optim_wrapper.type = 'OptimWrapper'
        changes.append('AMP off (AmpOptimWrapper needs a GPU), '
                       'training in float32')
    return changes


def _is_ddp(wrapper_type) -> bool:
    if isinstance(wrapper_type, str):
        wrapper_type = MODEL_WRAPPERS.get(wrapper_type)
    return isinstance(wrapper_type, type) and issubclass(
        wrapper_type, DistributedDataParallel)


def dist_env_from_launcher(launcher: str, port=None) -> None:
    """Set the ``env://`` variables (``RANK``, ``WORLD_SIZE``,
    ``LOCAL_RANK``, ``MASTER_ADDR``, ``MASTER_PORT``) from what the launcher
    set, as MMEngine's ``init_dist`` does. torchrun sets them itself."""
    env = os.environ
    if launcher == 'pytorch':
        return
    if launcher == 'slurm':
        env['RANK'] = env['SLURM_PROCID']
        env['WORLD_SIZE'] = env['SLURM_NTASKS']
        env['LOCAL_RANK'] = env.get('SLURM_LOCALID', '0')
        if 'MASTER_ADDR' not in env:
            env['MASTER_ADDR'] = subprocess.getoutput(
                f'scontrol show hostname {env["SLURM_NODELIST"]} | head -n1')
    elif launcher == 'mpi':
        env['RANK'] = env['OMPI_COMM_WORLD_RANK']
        env['WORLD_SIZE'] = env['OMPI_COMM_WORLD_SIZE']
        env['LOCAL_RANK'] = env['OMPI_COMM_WORLD_LOCAL_RANK']
        if 'MASTER_ADDR' not in env:
            raise KeyError('the environment variable MASTER_ADDR is not set')
    else:
        raise ValueError(f'unknown launcher: {launcher!r}')
    if port is not None:
        env['MASTER_PORT'] = str(port)
    env.setdefault('MASTER_PORT', '29500')


def init_cpu_dist(launcher: str, dist_cfg: dict) -> None:
    """Initialise the default process group with gloo, taking the other
    ``env_cfg.dist_cfg`` entries (``timeout`` in seconds, ...) as MMEngine's
    ``init_dist`` does."""
    kwargs = {
        k: v
        for k, v in dist_cfg.items()
        if k not in ('backend', 'init_backend', 'port')
    }
    if kwargs.get('timeout') is not None:
        kwargs['timeout'] = datetime.timedelta(seconds=kwargs['timeout'])
    dist_env_from_launcher(launcher, dist_cfg.get('port'))
    torch_dist.init_process_group(backend='gloo', **kwargs)


def setup_launch(cfg: Config) -> None:
    """Ready ``cfg`` and the process group for ``Runner.from_cfg(cfg)``:
    on a machine without a GPU, :func:`adapt_cfg_to_cpu`, glibc's allocator
    tuned for large tensors (``env_cfg.cpu_malloc``, 'tuned' by default:
    :func:`mmstcr.utils.tune_malloc`), init gloo for a distributed
    launcher, and log the changes once."""
    cpu_malloc = cfg.get('env_cfg', {}).get('cpu_malloc', 'tuned')
    if cpu_malloc not in MALLOC_MODES:
        raise ValueError(f'env_cfg.cpu_malloc must be one of {MALLOC_MODES}; '
                         f'got {cpu_malloc!r}')
    if get_device() != 'cpu':
        return
    changes = adapt_cfg_to_cpu(cfg)
    if cpu_malloc == 'tuned' and tune_malloc():
        changes.append('glibc malloc keeps large tensors in its heap (no '
                       'mmap per tensor; env_cfg.cpu_malloc)')
    if cfg.get('launcher', 'none') != 'none' and \
            not torch_dist.is_initialized():
        init_cpu_dist(cfg.launcher, cfg.env_cfg.dist_cfg)
    if changes and get_rank() == 0:
        print_log(
            'No GPU found, running on CPU: ' + '; '.join(changes),
            logger='current',
            level=logging.WARNING)


def finish_launch(end_process: bool = False) -> None:
    """After a run that finished without an error: wait for every rank
    (barrier), destroy the default process group, if any; with
    ``end_process=True`` (``tools/train.py``, ``tools/test.py``) and a
    process group, then end the process with status 0 without the
    interpreter's shutdown.

    Why (docs/faults.md, "DDP exit"): MMEngine's DDP wrapper keeps a
    reference to the gloo process group, so ``destroy_process_group`` does
    not end gloo's worker threads (``pt_gloo_runloop``); they live until
    the process exits. A worker drops its last reference to a finished
    collective (``~AsyncWork``) just after the rank's ``wait()`` returns;
    under load that can happen after the main thread has begun the
    interpreter's shutdown. The tensor's Python object then needs the GIL,
    a finalizing interpreter ends the thread (``pthread_exit``), the forced
    unwind meets the ``noexcept`` destructor, and C++ calls
    ``std::terminate``: "terminate called without an active exception",
    SIGABRT, and the launcher reports a failure after a good run. So the
    process ends here: ``atexit`` handlers run (logging, DataLoader
    workers, visualisation backends), the streams are flushed, and
    ``os._exit(0)`` ends every thread at once. The interpreter's shutdown,
    where the abort happens, never runs.

    After an error it is not called: the other ranks may still wait in a
    collective, and the barrier or the destroy could hang; the launcher
    ends them.
    """
    if not (torch_dist.is_available() and torch_dist.is_initialized()):
        return
    torch_dist.barrier()
    torch_dist.destroy_process_group()
    if end_process:
        _exit_now(0)


def _exit_now(status: int) -> None:
    """Run the ``atexit`` handlers, flush, and ``os._exit(status)``."""
    atexit._run_exitfuncs()
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):
            pass
    os._exit(status)
