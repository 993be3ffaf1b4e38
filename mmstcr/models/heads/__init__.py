from .channel_descriptor_head import ChannelDescriptorHead  # noqa: F401
from .feature_head import RetrievalFeatureHead  # noqa: F401
