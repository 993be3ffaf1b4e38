from .stcr_data_preprocessor import STCRDataPreprocessor
from .video_mix import InterVideoMixup, VideoCutMix, VideoMixup

__all__ = [
    'STCRDataPreprocessor', 'VideoMixup', 'VideoCutMix', 'InterVideoMixup'
]
