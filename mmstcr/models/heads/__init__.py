from .channel_descriptor_head import ChannelDescriptorHead  # noqa: F401
from .feature_head import RetrievalFeatureHead  # noqa: F401
from .descriptor_predictor import DescriptorPredictor  # noqa: F401
from .stt_code_head import STTCodeHead, stt_code_label  # noqa: F401
from .temporal_order_heads import (ClipOrderHead,  # noqa: F401
                                   OrderVerificationHead)
from .playback_rate_head import PlaybackRateHead  # noqa: F401
from .clip_contrast_head import ClipContrastHead  # noqa: F401
