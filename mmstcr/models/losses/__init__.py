from .channel_consistency_loss import ChannelConsistencyLoss
from .cosine_consistency_loss import CosineConsistencyLoss
from .info_nce_loss import InfoNCELoss
from .temporal_consistency_loss import TemporalConsistencyLoss
from .variance_covariance_loss import VarianceCovarianceLoss

__all__ = [
    'ChannelConsistencyLoss', 'CosineConsistencyLoss', 'InfoNCELoss',
    'TemporalConsistencyLoss', 'VarianceCovarianceLoss'
]
