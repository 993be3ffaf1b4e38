"""Train a model from an MMAction2-style config.

    python tools/train.py CONFIG [--work-dir DIR] [--resume [CKPT]] [--amp]
        [--auto-scale-lr] [--seed N] [--deterministic] [--cfg-options K=V ...]
        [--tensorboard] [--wandb] [--launcher {none,pytorch,slurm,mpi}]

``--tensorboard`` also writes TensorBoard event files under
``<work_dir>/<timestamp>/vis_data/`` (``pip install "mmstcr[tensorboard]"``);
``--wandb`` logs to Weights & Biases.

Multi-process: ``tools/dist_train.sh`` (torchrun) or ``tools/slurm_train.sh``.
The same commands run on a machine without a GPU (``mmstcr.engine.launch``).
"""
import argparse
import os

from mmengine.config import DictAction
from mmengine.runner import Runner

# Importing mmstcr registers its modules and safe checkpoint loading.
from mmstcr.engine import (finish_launch, load_config, merge_train_args,
                           setup_launch)


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description='Train a recognizer')
    parser.add_argument('config', help='train config file path')
    parser.add_argument('--work-dir', help='the dir to save logs and models')
    parser.add_argument(
        '--resume',
        nargs='?',
        type=str,
        const='auto',
        help='resume from this checkpoint; with no path, from the latest '
        'checkpoint in the work dir')
    parser.add_argument(
        '--amp',
        action='store_true',
        help='automatic mixed precision (on a CPU: a warning, float32)')
    parser.add_argument(
        '--no-validate',
        action='store_true',
        help='do not evaluate checkpoints during training')
    parser.add_argument(
        '--auto-scale-lr',
        action='store_true',
        help='scale the lr by the actual over the config\'s base batch size')
    parser.add_argument('--seed', type=int, default=None, help='random seed')
    parser.add_argument(
        '--diff-rank-seed',
        action='store_true',
        help='use a different seed on each rank')
    parser.add_argument(
        '--deterministic',
        action='store_true',
        help='use deterministic algorithms (cuDNN)')
    parser.add_argument(
        '--cfg-options',
        nargs='+',
        action=DictAction,
        help='override config settings, key=value pairs, e.g. '
        'train_cfg.max_epochs=2 or key="[a,b]"')
    parser.add_argument(
        '--tensorboard',
        action='store_true',
        help='also log to TensorBoard (TensorboardVisBackend)')
    parser.add_argument(
        '--wandb',
        action='store_true',
        help='also log to Weights & Biases (WandbVisBackend)')
    parser.add_argument(
        '--launcher',
        choices=['none', 'pytorch', 'slurm', 'mpi'],
        default='none',
        help='job launcher')
    parser.add_argument('--local_rank', '--local-rank', type=int, default=0)
    args = parser.parse_args(argv)
    os.environ.setdefault('LOCAL_RANK', str(args.local_rank))
    return args


def main(argv=None):
    args = parse_args(argv)
    cfg = merge_train_args(load_config(args.config), args)
    setup_launch(cfg)
    runner = Runner.from_cfg(cfg)
    runner.train()
    # distributed: ends the process (status 0) after a successful run
    finish_launch(end_process=True)


if __name__ == '__main__':
    main()
