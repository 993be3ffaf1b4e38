"""InfoNCE between two embeddings of each video, the other videos of the
batch as negatives: the contrastive loss of CVRL (Qian et al., CVPR 2021),
an addition of this project (docs/method.md, decision 18)."""
import math
import numbers

import torch
import torch.nn as nn
import torch.nn.functional as F
from mmaction.registry import MODELS

from .loss_weight import check_loss_weight


@MODELS.register_module()
class InfoNCELoss(nn.Module):
    """Symmetrised InfoNCE of ``N`` positive pairs ``(z1_i, z2_i)``.

    Both embeddings are scaled to unit length, ``u = z / ||z||``; with
    temperature ``tau``::

        s_ij = u1_i . u2_j / tau                                 # N x N
        l_12 = -1/N sum_i log( exp(s_ii) / sum_j exp(s_ij) )     # row-wise
        l_21 = -1/N sum_j log( exp(s_jj) / sum_i exp(s_ij) )     # column-wise
        L    = loss_weight * (l_12 + l_21) / 2

    ``l_12`` is the cross-entropy of each row of ``s`` against its diagonal
    entry: the positive of ``z1_i`` is ``z2_i`` and its ``N - 1`` negatives
    are the ``z2_j`` of the other videos; ``l_21`` swaps the roles. The
    negatives are those of the other view only (the cross-view form);
    SimCLR's NT-Xent also counts the other embeddings of the same view.
    ``L`` is in ``[0, inf)``; all embeddings alike (a collapse) give
    ``log N``, and ``N`` orthogonal pairs that match ``log(1 + (N - 1)
    exp(-1 / tau))``.

    **One pair.** With ``N == 1`` there is no negative and the task is
    empty: the loss is 0, returned as ``0 * (sum z1 + sum z2)`` so that it
    keeps the graph (every parameter gets a zero gradient rather than none,
    as distributed training needs) and is never NaN. A last, partial batch
    of one video thus trains nothing through this loss.

    Args:
        temperature (float): ``tau``, finite and > 0. Defaults to 0.1.
        loss_weight (float): Factor on the loss, finite and >= 0.
            Defaults to 1.0.
        eps (float): Norm floor of ``F.normalize``. Defaults to 1e-6.
    """

    def __init__(self,
                 temperature: float = 0.1,
                 loss_weight: float = 1.0,
                 eps: float = 1e-6) -> None:
        super().__init__()
        if (isinstance(temperature, bool)
                or not isinstance(temperature, numbers.Real)
                or not math.isfinite(temperature) or temperature <= 0):
            raise ValueError('InfoNCELoss: temperature '
                             '(model.pretext_head.loss.temperature) must be '
                             f'a finite number > 0; got {temperature!r}')
        self.temperature = float(temperature)
        self.loss_weight = check_loss_weight(
            'InfoNCELoss',
            loss_weight,
            config_key='model.pretext_head.loss.loss_weight')
        self.eps = eps

    def logits(self, z1: torch.Tensor, z2: torch.Tensor) -> torch.Tensor:
        """``s``: cosine similarities over ``tau``, ``N x N``; row ``i`` is
        ``z1_i`` against every ``z2_j``."""
        u1 = F.normalize(z1, dim=1, eps=self.eps)  # N x D
        u2 = F.normalize(z2, dim=1, eps=self.eps)  # N x D
        return u1 @ u2.t() / self.temperature  # N x N

    def forward(self, z1: torch.Tensor, z2: torch.Tensor) -> torch.Tensor:
        """Args:
            z1 (torch.Tensor): Embeddings of the first clips, ``N x D``.
            z2 (torch.Tensor): Embeddings of the second clips, ``N x D``;
                row ``i`` is the positive of ``z1``'s row ``i``.

        Returns:
            torch.Tensor: The weighted scalar loss.
        """
        if z1.dim() != 2 or z1.shape != z2.shape or z1.size(0) == 0:
            raise ValueError(
                'InfoNCELoss needs two N x D embeddings of one shape, N >= 1; '
                f'got {tuple(z1.shape)} and {tuple(z2.shape)}')
        num = z1.size(0)
        if num == 1:  # no negative: nothing to contrast, keep the graph
            return (z1.sum() + z2.sum()) * 0.
        logits = self.logits(z1, z2)  # N x N
        target = torch.arange(num, device=z1.device)  # N, the diagonal
        loss_12 = F.cross_entropy(logits, target)  # z1_i -> z2_i
        loss_21 = F.cross_entropy(logits.t(), target)  # z2_j -> z1_j
        return self.loss_weight * (loss_12 + loss_21) / 2

    def extra_repr(self) -> str:
        return (f'temperature={self.temperature}, '
                f'loss_weight={self.loss_weight}')
