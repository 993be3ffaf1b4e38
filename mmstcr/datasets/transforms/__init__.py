from .clip_tuple import PackClipTuple, SampleClipTuple
from .formatting import PackSTCRInputs
from .gaussian_noise import VideoGaussianNoise
from .intra_video_mixup import IntraVideoMixup
from .loading import CheckedDecordInit, CorruptVideoError
from .playback_rate import SampleFramesAtRandomRate
from .spatio_temporal import SpatioTemporalTransform
from .two_view_crop import TwoViewRandomCrop

__all__ = [
    'PackSTCRInputs', 'VideoGaussianNoise', 'IntraVideoMixup',
    'SpatioTemporalTransform', 'TwoViewRandomCrop', 'CheckedDecordInit',
    'CorruptVideoError', 'SampleClipTuple', 'PackClipTuple',
    'SampleFramesAtRandomRate'
]
