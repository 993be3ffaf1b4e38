from .hooks import *  # noqa: F401,F403
from .launch import (adapt_cfg_to_cpu, finish_launch, init_cpu_dist,
                     load_config, merge_test_args, merge_train_args,
                     setup_launch)

__all__ = [
    'adapt_cfg_to_cpu', 'finish_launch', 'init_cpu_dist', 'load_config',
    'merge_test_args', 'merge_train_args', 'setup_launch'
]
