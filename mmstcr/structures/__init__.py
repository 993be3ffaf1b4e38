from .stt import (FLIP_MODES, ROTATION_DEGREES, apply_stt, check_code,
                  flip_code, invert_stt, invert_stt_batch, rotation_code)

__all__ = [
    'FLIP_MODES', 'ROTATION_DEGREES', 'apply_stt', 'check_code', 'flip_code',
    'invert_stt', 'invert_stt_batch', 'rotation_code'
]
