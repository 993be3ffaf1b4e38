"""k-nearest-neighbour classification of test-split videos by the
train-split (gallery) videos' features."""
from typing import Dict, List, Optional, Sequence, Union

import torch
from mmaction.registry import METRICS
from mmengine.evaluator import BaseMetric

from .feature_results import (check_ks, cosine_similarity, feature_result,
                              split_query_gallery)


def knn_predict(query_feats: torch.Tensor,
                gallery_feats: torch.Tensor,
                gallery_labels: torch.Tensor,
                ks: Sequence[int],
                num_classes: int,
                temperature: Optional[float] = 0.07,
                chunk_size: int = 1024) -> Dict[int, torch.Tensor]:
    """Weighted k-NN vote (Wu et al. 2018, "instance discrimination").

    The ``k`` gallery videos most cosine-similar to a query vote for their
    class with weight ``exp(s / temperature)`` (``s`` their similarity), or
    weight 1 if ``temperature`` is None (plain majority). The class with the
    largest total wins. Ties: among equally similar gallery videos the lower
    gallery index is nearer (stable sort); among classes with equal totals
    the lower class index wins.

    Args:
        query_feats (torch.Tensor): Q x D.
        gallery_feats (torch.Tensor): G x D.
        gallery_labels (torch.Tensor): G class indices.
        ks (Sequence[int]): Numbers of neighbours, each ``<= G``.
        num_classes (int): Number of classes (> every label).
        temperature (float, optional): Vote temperature, or None for
            unweighted votes. Defaults to 0.07.
        chunk_size (int): Queries per block. Defaults to 1024.

    Returns:
        dict[int, torch.Tensor]: For each ``k``, the Q predicted classes.
    """
    num_gallery = gallery_feats.shape[0]
    if max(ks) > num_gallery:
        raise ValueError(f'k={max(ks)} neighbours asked for, but the gallery '
                         f'has only {num_gallery} videos')
    if temperature is not None and temperature <= 0:
        raise ValueError(f'temperature must be > 0 or None, got {temperature}')
    preds = {k: [] for k in ks}
    for start in range(0, query_feats.shape[0], chunk_size):
        sim = cosine_similarity(query_feats[start:start + chunk_size],
                                gallery_feats)  # q x G
        order = torch.sort(sim, dim=1, descending=True, stable=True).indices
        order = order[:, :max(ks)]  # q x K, nearest first
        nn_sim = sim.gather(1, order)  # q x K
        nn_labels = gallery_labels[order]  # q x K
        if temperature is None:
            weights = torch.ones_like(nn_sim)
        else:
            weights = (nn_sim / temperature).exp()
        for k in ks:
            scores = sim.new_zeros(sim.shape[0], num_classes)  # q x C
            scores.scatter_add_(1, nn_labels[:, :k], weights[:, :k])
            # argmax returns the first (lowest) class index among equal maxima
            preds[k].append(scores.argmax(dim=1))
    return {k: torch.cat(v) for k, v in preds.items()}


@METRICS.register_module()
class KNNAccuracy(BaseMetric):
    """Top-1 accuracy of a k-nearest-neighbour classifier on frozen
    features.

    Same inputs as :class:`VideoRetrievalMetric` (``RetrievalVideoDataset``
    + ``RetrievalFeatureHead``): each test-split video (query) is classified
    by a vote of its ``k`` most cosine-similar train-split videos (gallery),
    see :func:`knn_predict`. Both metrics can share one test run
    (``test_evaluator=[dict(type='VideoRetrievalMetric'),
    dict(type='KNNAccuracy')]``).

    Metrics (fractions in [0, 1]): ``knn/top1_k{k}`` for each ``k``.

    Args:
        k (int | Sequence[int]): Numbers of neighbours. Defaults to
            ``(1, 20)``.
        temperature (float, optional): Vote temperature (weights
            ``exp(s / temperature)``); None for a plain majority vote.
            Defaults to 0.07 (Wu et al. 2018).
        collect_device (str): ``'cpu'`` or ``'gpu'``. Defaults to ``'cpu'``.
        prefix (str, optional): Metric name prefix. Defaults to ``'knn'``.
    """

    default_prefix = 'knn'

    def __init__(self,
                 k: Union[int, Sequence[int]] = (1, 20),
                 temperature: Optional[float] = 0.07,
                 collect_device: str = 'cpu',
                 prefix: Optional[str] = None) -> None:
        super().__init__(collect_device=collect_device, prefix=prefix)
        self.ks = check_ks(k, 'k')
        if temperature is not None and temperature <= 0:
            raise ValueError(
                f'temperature must be > 0 or None, got {temperature}')
        self.temperature = temperature

    def process(self, data_batch, data_samples: Sequence[dict]) -> None:
        """Keep each video's descriptor, label and role."""
        for data_sample in data_samples:
            self.results.append(
                feature_result(data_sample, type(self).__name__))

    def compute_metrics(self, results: List[dict]) -> Dict[str, float]:
        """Accuracy of the k-NN prediction for each ``k``."""
        q_feats, q_labels, g_feats, g_labels = split_query_gallery(
            results, self.dataset_meta, type(self).__name__)
        num_classes = int(max(q_labels.max(), g_labels.max())) + 1
        preds = knn_predict(q_feats, g_feats, g_labels, self.ks, num_classes,
                            self.temperature)
        return {
            f'top1_k{k}': (pred == q_labels).double().mean().item()
            for k, pred in preds.items()
        }
