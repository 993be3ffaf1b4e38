"""Shared by the retrieval and kNN metrics: what they keep of each video,
how they split it into queries and gallery, and their similarity."""
from typing import Dict, List, Optional, Sequence, Tuple, Union

import torch
import torch.nn.functional as F

from mmstcr.datasets.retrieval_dataset import COUNT_KEYS, ROLES

FeatureSplit = Tuple[torch.Tensor, torch.Tensor, torch.Tensor, torch.Tensor]


def read_label(data_sample: dict, metric: str) -> int:
    """The ground-truth class of a data sample (``to_dict()`` form):
    ``gt_labels.item`` in MMAction2 1.1, ``gt_label`` in 1.2."""
    if 'gt_label' in data_sample:  # MMAction2 >= 1.2
        label = data_sample['gt_label']
    elif 'gt_labels' in data_sample:  # MMAction2 1.1
        label = data_sample['gt_labels']['item']
    else:
        raise KeyError(f'{metric}: a data sample has no ground-truth label '
                       "('gt_label' or 'gt_labels')")
    label = torch.as_tensor(label)
    if label.numel() != 1:
        raise ValueError(f'{metric} needs one label per video, got a label '
                         f'of shape {tuple(label.shape)}')
    return int(label.item())


def feature_result(data_sample: dict, metric: str) -> dict:
    """``{'feat', 'label', 'role'}`` of one video's data sample."""
    if 'retrieval_feat' not in data_sample:
        raise KeyError(
            f"{metric}: a data sample has no 'retrieval_feat'; use "
            "cls_head=dict(type='RetrievalFeatureHead') in the model")
    role = data_sample.get('retrieval_role')
    if role not in ROLES:
        raise KeyError(
            f"{metric}: a data sample has retrieval_role={role!r}; use "
            "dataset type 'RetrievalVideoDataset' and "
            "dict(type='PackActionInputs', meta_keys=('retrieval_role', ))")
    feat = data_sample['retrieval_feat'].detach().to('cpu', torch.float32)
    return dict(
        feat=feat.flatten(), label=read_label(data_sample, metric), role=role)


def split_query_gallery(results: List[dict], dataset_meta: Optional[Dict],
                        metric: str) -> FeatureSplit:
    """Stack the gathered results into query and gallery tensors.

    Checks that both roles are present and, if the data set recorded them in
    its metainfo (``retrieval_num_queries`` / ``retrieval_num_gallery``,
    written by ``RetrievalVideoDataset``), that exactly that many videos of
    each role were evaluated: no batch dropped, no padding counted.

    Returns:
        tuple: ``query_feats`` (Q x D), ``query_labels`` (Q), ``gallery_feats``
        (G x D), ``gallery_labels`` (G).
    """
    split = {}
    for role in ROLES:
        items = [r for r in results if r['role'] == role]
        if not items:
            raise ValueError(f'{metric}: no {role} video was evaluated')
        expected = (dataset_meta or {}).get(COUNT_KEYS[role])
        if expected is not None and expected != len(items):
            raise RuntimeError(
                f'{metric}: {len(items)} {role} videos were evaluated but '
                f'the data set has {expected}; every video must count '
                '(no dropped batch, no padding)')
        feats = torch.stack([r['feat'] for r in items])
        labels = torch.tensor([r['label'] for r in items], dtype=torch.long)
        split[role] = (feats, labels)
    if split['query'][0].shape[1] != split['gallery'][0].shape[1]:
        raise ValueError(
            f'{metric}: query features have {split["query"][0].shape[1]} '
            f'dims, gallery features {split["gallery"][0].shape[1]}')
    return (*split['query'], *split['gallery'])


def cosine_similarity(a: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
    """Cosine similarity of every row of ``a`` (M x D) with every row of
    ``b`` (N x D), in float64: M x N. A zero row has similarity 0."""
    a = F.normalize(a.double(), dim=1)
    b = F.normalize(b.double(), dim=1)
    return a @ b.t()


def check_ks(ks: Union[int, Sequence[int]], name: str) -> Tuple[int, ...]:
    """``ks`` as a non-empty tuple of positive ints, or a ValueError."""
    ks = (ks, ) if isinstance(ks, int) else tuple(ks)
    if not ks or not all(isinstance(k, int) and k >= 1 for k in ks):
        raise ValueError(f'{name} must be positive ints, got {ks!r}')
    return ks
