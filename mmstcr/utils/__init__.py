from .checkpoint import (CheckpointLoadError, NonFiniteCheckpointError,
                         check_checkpoint_path, check_finite_checkpoint,
                         checkpoint_damage, checkpoint_safe_globals,
                         first_non_finite_weight, is_complete_checkpoint,
                         load_from_local, setup_safe_checkpoint_loading)
from .malloc import MALLOC_MODES, malloc_env, tune_malloc

__all__ = [
    'CheckpointLoadError', 'MALLOC_MODES', 'NonFiniteCheckpointError',
    'check_checkpoint_path', 'check_finite_checkpoint',
    'checkpoint_damage', 'checkpoint_safe_globals', 'first_non_finite_weight',
    'is_complete_checkpoint', 'load_from_local',
    'malloc_env', 'setup_safe_checkpoint_loading', 'tune_malloc'
]
