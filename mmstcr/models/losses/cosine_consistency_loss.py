"""``L_tw`` on unit-length descriptors, the form SimSiam and BYOL use."""
import torch
import torch.nn as nn
import torch.nn.functional as F
from mmaction.registry import MODELS

from .loss_weight import check_loss_weight


@MODELS.register_module()
class CosineConsistencyLoss(nn.Module):
    """Temporal-wise consistency of L2-normalised descriptors.

    At every time step the ``C'`` channels of each descriptor are scaled to
    unit length, then ``|| u_c - u_n ||^2 = 2 - 2 cos(u_c, u_n)`` is averaged
    over batch and time. A drop-in for :class:`TemporalConsistencyLoss`
    (same arguments: clean/target first, then noise/prediction) whose value
    cannot be lowered by shrinking the features, which the MSE of eq. 5
    allows. An addition to the paper (BYOL's normalised MSE, Grill et al.
    2020; SimSiam's negative cosine up to a constant, Chen & He 2021).

    Args:
        loss_weight (float): Factor on the loss. Defaults to 1.0.
        eps (float): Norm floor of ``F.normalize``. Defaults to 1e-6.
    """

    def __init__(self, loss_weight: float = 1.0, eps: float = 1e-6) -> None:
        super().__init__()
        self.loss_weight = check_loss_weight(
            'CosineConsistencyLoss',
            loss_weight,
            config_key='model.tw_loss.loss_weight')
        self.eps = eps

    def forward(self, clean: torch.Tensor,
                noise: torch.Tensor) -> torch.Tensor:
        """Args:
            clean (torch.Tensor): Target descriptors, ``N x C' x T'``.
            noise (torch.Tensor): Predicted / noise descriptors, same shape.

        Returns:
            torch.Tensor: The weighted scalar loss, in ``[0, 4]`` before
            weighting.
        """
        if clean.shape != noise.shape or clean.dim() != 3:
            raise ValueError(
                'CosineConsistencyLoss needs two N x C x T descriptors of one '
                f'shape; got {tuple(clean.shape)} and {tuple(noise.shape)}')
        u_c = F.normalize(clean, dim=1, eps=self.eps)  # N x C' x T'
        u_n = F.normalize(noise, dim=1, eps=self.eps)  # N x C' x T'
        cos = (u_c * u_n).sum(dim=1)  # N x T'
        return self.loss_weight * (2 - 2 * cos).mean()

    def extra_repr(self) -> str:
        return f'loss_weight={self.loss_weight}'
