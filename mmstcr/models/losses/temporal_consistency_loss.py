"""Temporal-wise consistency loss, eq. 5 of the STCR paper."""
import torch
import torch.nn as nn
from mmaction.registry import MODELS

from .loss_weight import check_loss_weight


@MODELS.register_module()
class TemporalConsistencyLoss(nn.Module):
    """Mean squared error between clean and aligned noise descriptors.

    ``L_tw = || psi(f_c) - psi(T^-1(f_n)) ||^2`` (eq. 5). The squared norm is
    read as a mean over batch, channels and time (docs/method.md, decision 4), not
    a sum, so the loss does not grow with ``C'`` or ``T'``.

    Args:
        loss_weight (float): Factor applied to the loss. Defaults to 1.0.
    """

    def __init__(self, loss_weight: float = 1.0) -> None:
        super().__init__()
        self.loss_weight = check_loss_weight(
            'TemporalConsistencyLoss',
            loss_weight,
            config_key='model.tw_loss.loss_weight')

    def forward(self, clean: torch.Tensor,
                noise: torch.Tensor) -> torch.Tensor:
        """Compute the loss.

        Args:
            clean (torch.Tensor): Clean-path descriptors, ``N x C' x T'``.
            noise (torch.Tensor): Noise-path descriptors after ``T^-1``,
                same shape.

        Returns:
            torch.Tensor: The weighted scalar loss.
        """
        if clean.shape != noise.shape:
            raise ValueError(
                'TemporalConsistencyLoss needs clean and noise descriptors of '
                f'one shape; got {tuple(clean.shape)} and '
                f'{tuple(noise.shape)}')
        # N x C' x T' -> scalar
        return self.loss_weight * (clean - noise).pow(2).mean()

    def extra_repr(self) -> str:
        return f'loss_weight={self.loss_weight}'
