"""Temporal-order pretext heads on clip tuples: Clip Order Prediction (VCOP,
Xu et al., CVPR 2019) and Shuffle & Learn order verification (Misra et al.,
ECCV 2016), the tasks of the paper's Table 4.

Both read the clean clips of each tuple, grouped per video by
:class:`ClipTupleSTCRRecognizer` (or :class:`PretextRecognizer`) as
``B x N x C' x T' x H' x W'`` (tuple order), and
the tuple's label that ``SampleClipTuple`` recorded.
"""
import math
from typing import Dict, List, Optional, Union

import torch
import torch.nn as nn
import torch.nn.functional as F
from mmaction.registry import MODELS
from mmaction.utils import SampleList
from mmengine.model import BaseModule


class _TupleOrderHead(BaseModule):
    """What the two heads share: arguments, the loss protocol of
    the pretext heads of the pretraining recognizers, and the logged
    names.

    A subclass sets ``label_key`` (the metainfo key of the target),
    ``name`` (``loss_<name>``, ``<name>_acc``), ``min_clips``, and writes
    ``build_layers(hidden_channels)`` and ``forward(feats) -> logits``
    (``self.dropout`` comes before the classifier).
    """

    label_key = ''
    name = ''
    min_clips = 2

    def __init__(self,
                 in_channels: int,
                 num_clips: int = 3,
                 hidden_channels: int = 512,
                 dropout: float = 0.5,
                 loss_weight: float = 1.0,
                 init_cfg: Optional[Union[dict, List[dict]]] = None) -> None:
        super().__init__(init_cfg=init_cfg)
        owner = type(self).__name__
        if not isinstance(num_clips, int) or num_clips < self.min_clips:
            raise ValueError(f'{owner}: num_clips must be an int >= '
                             f'{self.min_clips}; got {num_clips!r}')
        self.in_channels = in_channels
        self.num_clips = num_clips
        self.loss_weight = loss_weight
        self.dropout = nn.Dropout(dropout)
        self.build_layers(hidden_channels)

    def build_layers(self, hidden_channels: int) -> None:
        """The head's layers."""
        raise NotImplementedError

    def pooled(self, feats: torch.Tensor) -> torch.Tensor:
        """``B x N x C' x T' x H' x W'`` -> global average ``B x N x C'``."""
        if feats.dim() != 6 or feats.size(1) != self.num_clips:
            raise ValueError(
                f'{type(self).__name__} needs the clips of each tuple '
                f"grouped, B x {self.num_clips} x C' x T' x H' x W' "
                '(ClipTupleSTCRRecognizer and PretextRecognizer do it for '
                'B x 2N inputs from '
                f'PackClipTuple); got {tuple(feats.shape)}')
        return feats.mean(dim=(3, 4, 5))

    def loss(self, feats_clean: torch.Tensor,
             feats_noise: Optional[torch.Tensor],
             data_samples: SampleList) -> Dict[str, torch.Tensor]:
        """Cross-entropy of the clean tuples' logits against
        ``metainfo[label_key]``; ``feats_noise`` is not read."""
        missing = [
            i for i, s in enumerate(data_samples)
            if self.label_key not in s.metainfo
        ]
        if missing:
            raise KeyError(
                f'{type(self).__name__}: data samples {missing} have no '
                f'{self.label_key!r} (the pipeline must run SampleClipTuple '
                'and PackClipTuple)')
        labels = feats_clean.new_tensor(
            [int(s.metainfo[self.label_key]) for s in data_samples],
            dtype=torch.long)  # B
        logits = self(feats_clean)
        acc = (logits.detach().argmax(1) == labels).float().mean()
        return {
            f'loss_{self.name}':
            self.loss_weight * F.cross_entropy(logits, labels),
            f'{self.name}_acc': acc
        }

    def extra_repr(self) -> str:
        return (f'in_channels={self.in_channels}, '
                f'num_clips={self.num_clips}, '
                f'loss_weight={self.loss_weight}')


@MODELS.register_module()
class ClipOrderHead(_TupleOrderHead):
    """VCOP: predict which of the ``N!`` orders a tuple of clips is in.

    As in the clip order paper: each clip's feature (global average pool of
    its map, ``C'``), then for every pair ``i < j`` of positions one shared
    fully connected layer on ``[f_i, f_j]`` followed by ReLU, the
    ``N (N - 1) / 2`` pair features concatenated, dropout, and a linear
    classifier to ``N!`` classes (6 for 3 clips). Target:
    ``clip_order_label``, the index of the order in the lexicographic list
    of permutations.

    :meth:`loss` returns ``loss_vcop`` (cross-entropy times
    ``loss_weight``) and ``vcop_acc`` (logged only; chance ``1 / N!``).

    Args:
        in_channels (int): ``C'`` of the backbone map.
        num_clips (int): Clips per tuple. Defaults to 3.
        hidden_channels (int): Width of the pair layer. Defaults to 512
            (VCOP).
        dropout (float): Before the classifier. Defaults to 0.5.
        loss_weight (float): Factor on the cross-entropy. Defaults to 1.0.
        init_cfg (dict or list[dict], optional): Defaults to None.
    """

    label_key = 'clip_order_label'
    name = 'vcop'
    min_clips = 2

    def build_layers(self, hidden_channels: int) -> None:
        self.pairs = [(i, j) for i in range(self.num_clips)
                      for j in range(i + 1, self.num_clips)]
        self.pair_fc = nn.Linear(2 * self.in_channels, hidden_channels)
        self.fc = nn.Linear(hidden_channels * len(self.pairs),
                            math.factorial(self.num_clips))

    def forward(self, feats: torch.Tensor) -> torch.Tensor:
        """``B x N x C' x T' x H' x W'`` -> ``B x N!`` logits."""
        f = self.pooled(feats)  # B x N x C'
        pair_feats = [
            F.relu(self.pair_fc(torch.cat([f[:, i], f[:, j]], dim=1)))
            for i, j in self.pairs
        ]  # each B x hidden
        return self.fc(self.dropout(torch.cat(pair_feats, dim=1)))


@MODELS.register_module()
class OrderVerificationHead(_TupleOrderHead):
    """Shuffle & Learn: is a tuple of clips in temporal order?

    Shuffle & Learn feeds three frames to a siamese 2D network, concatenates
    their fc7 features and classifies the tuple as in order (forwards or
    backwards) or not. With a 3D CNN each frame becomes a short clip
    (docs/method.md, decision 12): each clip's map is average-pooled to
    ``C'``, a shared fully connected layer with ReLU plays fc7, the ``N``
    features are concatenated in tuple order and one linear layer gives the
    2 logits. Target: ``clip_in_order`` (1 in order, 0 shuffled).

    :meth:`loss` returns ``loss_sal`` (cross-entropy times ``loss_weight``)
    and ``sal_acc`` (logged only; chance 1/2 with ``order_law='verify'``).

    Args:
        in_channels (int): ``C'`` of the backbone map.
        num_clips (int): Clips per tuple. Defaults to 3.
        hidden_channels (int): Width of the per-clip layer. Defaults to 512.
        dropout (float): Before the classifier. Defaults to 0.5.
        loss_weight (float): Factor on the cross-entropy. Defaults to 1.0.
        init_cfg (dict or list[dict], optional): Defaults to None.
    """

    label_key = 'clip_in_order'
    name = 'sal'
    min_clips = 3

    def build_layers(self, hidden_channels: int) -> None:
        self.clip_fc = nn.Linear(self.in_channels, hidden_channels)
        self.fc = nn.Linear(hidden_channels * self.num_clips, 2)

    def forward(self, feats: torch.Tensor) -> torch.Tensor:
        """``B x N x C' x T' x H' x W'`` -> ``B x 2`` logits."""
        f = self.pooled(feats)  # B x N x C'
        f = F.relu(self.clip_fc(f))  # B x N x hidden, shared over clips
        return self.fc(self.dropout(f.flatten(1)))
