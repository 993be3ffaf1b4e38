"""Test (evaluate) a checkpoint with an MMAction2-style config.

    python tools/test.py CONFIG CHECKPOINT [--dump PKL] [--work-dir DIR]
        [--cfg-options K=V ...] [--launcher {none,pytorch,slurm,mpi}]

Multi-process: ``tools/dist_test.sh`` (torchrun) or ``tools/slurm_test.sh``.
The same commands run on a machine without a GPU (``mmstcr.engine.launch``).
"""
import argparse
import os

from mmengine.config import DictAction
from mmengine.runner import Runner

# Importing mmstcr registers its modules and safe checkpoint loading.
from mmstcr.engine import (finish_launch, load_config, merge_test_args,
                           setup_launch)


def parse_args():
    parser = argparse.ArgumentParser(description='Test (and eval) a model')
    parser.add_argument('config', help='test config file path')
    parser.add_argument('checkpoint', help='checkpoint file')
    parser.add_argument(
        '--work-dir', help='the dir to save the evaluation metrics')
    parser.add_argument(
        '--dump', help='dump the predictions to this pickle file')
    parser.add_argument(
        '--cfg-options',
        nargs='+',
        action=DictAction,
        help='override config settings, key=value pairs, e.g. '
        'test_dataloader.batch_size=4 or key="[a,b]"')
    parser.add_argument(
        '--launcher',
        choices=['none', 'pytorch', 'slurm', 'mpi'],
        default='none',
        help='job launcher')
    parser.add_argument('--local_rank', '--local-rank', type=int, default=0)
    args = parser.parse_args()
    os.environ.setdefault('LOCAL_RANK', str(args.local_rank))
    return args


def main():
    args = parse_args()
    cfg = merge_test_args(load_config(args.config), args)
    setup_launch(cfg)
    runner = Runner.from_cfg(cfg)
    runner.test()
    # distributed: ends the process (status 0) after a successful run
    finish_launch(end_process=True)


if __name__ == '__main__':
    main()
