from .checkpoint import (CheckpointLoadError, check_checkpoint_path,
                         checkpoint_safe_globals, load_from_local,
                         setup_safe_checkpoint_loading)

__all__ = [
    'CheckpointLoadError', 'check_checkpoint_path', 'checkpoint_safe_globals',
    'load_from_local', 'setup_safe_checkpoint_loading'
]
