from .knn_metric import KNNAccuracy, knn_predict
from .video_retrieval_metric import (VideoRetrievalMetric, recall_at_k,
                                     retrieval_ranks)

__all__ = [
    'KNNAccuracy', 'VideoRetrievalMetric', 'knn_predict', 'recall_at_k',
    'retrieval_ranks'
]
