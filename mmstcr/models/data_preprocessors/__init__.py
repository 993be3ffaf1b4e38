from .device_stt_mixup import DeviceSTTMixup
from .stcr_data_preprocessor import STCRDataPreprocessor
from .video_mix import InterVideoMixup, VideoCutMix, VideoMixup

__all__ = [
    'DeviceSTTMixup', 'STCRDataPreprocessor', 'VideoMixup', 'VideoCutMix',
    'InterVideoMixup'
]
