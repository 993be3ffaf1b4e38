from .channel_consistency_loss import ChannelConsistencyLoss
from .temporal_consistency_loss import TemporalConsistencyLoss

__all__ = ['ChannelConsistencyLoss', 'TemporalConsistencyLoss']
