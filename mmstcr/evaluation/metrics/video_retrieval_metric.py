"""Video retrieval: recall at k of test-split queries against the
train-split gallery."""
from typing import Dict, List, Optional, Sequence, Union

import torch
from mmaction.registry import METRICS
from mmengine.evaluator import BaseMetric
from mmengine.logging import print_log

from .feature_results import (check_ks, cosine_similarity, feature_result,
                              split_query_gallery)


def retrieval_ranks(query_feats: torch.Tensor,
                    query_labels: torch.Tensor,
                    gallery_feats: torch.Tensor,
                    gallery_labels: torch.Tensor,
                    tie_tol: float = 1e-6,
                    chunk_size: int = 1024) -> torch.Tensor:
    """Rank of the first gallery video of the query's class, ties counted
    against the query.

    For a query of class ``c`` let ``s*`` be its highest cosine similarity to
    a gallery video of class ``c``. Its rank is ``1 +`` the number of gallery
    videos of *other* classes whose similarity is ``>= s* - tie_tol``: a
    video of another class that ties with the best match is placed before
    it (pessimistic ties). So the result does not depend on the order of the
    gallery, and constant (collapsed) features get no credit from lucky
    orderings. ``tie_tol`` absorbs float rounding (equal features can give
    similarities that differ in the last bits after a matrix product).
    A query whose class has no gallery video gets rank ``inf``.

    Args:
        query_feats (torch.Tensor): Q x D.
        query_labels (torch.Tensor): Q.
        gallery_feats (torch.Tensor): G x D.
        gallery_labels (torch.Tensor): G.
        tie_tol (float): Similarities within this of ``s*`` tie with it.
            Defaults to 1e-6.
        chunk_size (int): Queries per block (bounds memory to
            ``chunk_size x G`` float64). Defaults to 1024.

    Returns:
        torch.Tensor: Q ranks (float64, ``inf`` for absent classes).
    """
    if tie_tol < 0:
        raise ValueError(f'tie_tol must be >= 0, got {tie_tol}')
    ranks = []
    for start in range(0, query_feats.shape[0], chunk_size):
        q_feats = query_feats[start:start + chunk_size]
        q_labels = query_labels[start:start + chunk_size]
        sim = cosine_similarity(q_feats, gallery_feats)  # q x G
        same = q_labels[:, None] == gallery_labels[None, :]  # q x G
        best = sim.masked_fill(~same, float('-inf')).amax(dim=1)  # q
        ahead = ~same & (sim >= best[:, None] - tie_tol)  # q x G
        rank = ahead.sum(dim=1).double() + 1
        rank[~same.any(dim=1)] = float('inf')
        ranks.append(rank)
    return torch.cat(ranks)


def recall_at_k(ranks: torch.Tensor, topk: Sequence[int]) -> Dict[int, float]:
    """Fraction of queries whose rank is at most ``k``, for each ``k``."""
    return {k: (ranks <= k).double().mean().item() for k in topk}


@METRICS.register_module()
class VideoRetrievalMetric(BaseMetric):
    """Recall at k of video retrieval (the protocol of the clip order
    paper).

    The test-split videos are the queries, the train-split videos the
    gallery (``RetrievalVideoDataset`` lists both and tags each), compared
    by the cosine similarity of their ``retrieval_feat`` descriptors
    (``RetrievalFeatureHead``). A query is correct at ``k`` if one of its
    ``k`` nearest gallery videos has its class; ties are counted against the
    query (see :func:`retrieval_ranks`). Every query counts, including those
    whose class has no gallery video (never correct).

    MMEngine gathers the results of all ranks and drops the sampler's
    padding before :meth:`compute_metrics`; the metric then checks the
    numbers of queries and gallery videos against the data set's metainfo.

    Metrics (fractions in [0, 1]): ``retrieval/R@{k}`` for each ``k``.

    Args:
        topk (int | Sequence[int]): The ``k`` values.
            Defaults to ``(1, 5, 10, 20, 50)``.
        tie_tol (float): Similarity tolerance of a tie. Defaults to 1e-6.
        collect_device (str): ``'cpu'`` or ``'gpu'``, where results are
            gathered across ranks. Defaults to ``'cpu'``.
        prefix (str, optional): Metric name prefix. Defaults to
            ``'retrieval'``.
    """

    default_prefix = 'retrieval'

    def __init__(self,
                 topk: Union[int, Sequence[int]] = (1, 5, 10, 20, 50),
                 tie_tol: float = 1e-6,
                 collect_device: str = 'cpu',
                 prefix: Optional[str] = None) -> None:
        super().__init__(collect_device=collect_device, prefix=prefix)
        self.topk = check_ks(topk, 'topk')
        if tie_tol < 0:
            raise ValueError(f'tie_tol must be >= 0, got {tie_tol}')
        self.tie_tol = tie_tol

    def process(self, data_batch, data_samples: Sequence[dict]) -> None:
        """Keep each video's descriptor, label and role."""
        for data_sample in data_samples:
            self.results.append(
                feature_result(data_sample, type(self).__name__))

    def compute_metrics(self, results: List[dict]) -> Dict[str, float]:
        """Recall at each ``k`` over all queries."""
        q_feats, q_labels, g_feats, g_labels = split_query_gallery(
            results, self.dataset_meta, type(self).__name__)
        ranks = retrieval_ranks(q_feats, q_labels, g_feats, g_labels,
                                self.tie_tol)
        print_log(
            f'{type(self).__name__}: {len(q_labels)} queries, '
            f'{len(g_labels)} gallery videos, {q_feats.shape[1]}-dim '
            'features', logger='current')
        return {f'R@{k}': v for k, v in recall_at_k(ranks, self.topk).items()}
