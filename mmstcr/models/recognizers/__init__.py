from .collapse_signal import StageProbe, collapse_signal
from .stcr_recognizer import STCRRecognizer, spatial_max_pool

__all__ = [
    'STCRRecognizer', 'StageProbe', 'collapse_signal', 'spatial_max_pool'
]
