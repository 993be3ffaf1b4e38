from .checkpoint import (CheckpointLoadError, NonFiniteCheckpointError,
                         check_checkpoint_path, check_finite_checkpoint,
                         checkpoint_safe_globals, first_non_finite_weight,
                         load_from_local, setup_safe_checkpoint_loading)

__all__ = [
    'CheckpointLoadError', 'NonFiniteCheckpointError', 'check_checkpoint_path',
    'check_finite_checkpoint', 'checkpoint_safe_globals',
    'first_non_finite_weight', 'load_from_local',
    'setup_safe_checkpoint_loading'
]
