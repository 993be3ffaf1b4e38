from .stt import (FLIP_MODES, ROTATION_DEGREES, apply_stt, apply_stt_frames,
                  check_code, flip_code, invert_stt, invert_stt_batch,
                  rotation_code, stt_codes)

__all__ = [
    'FLIP_MODES', 'ROTATION_DEGREES', 'apply_stt', 'apply_stt_frames',
    'check_code', 'flip_code', 'invert_stt', 'invert_stt_batch',
    'rotation_code', 'stt_codes'
]
