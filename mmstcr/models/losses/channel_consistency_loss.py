"""Channel-wise consistency loss, eq. 6 of the STCR paper."""
import torch
import torch.nn as nn
import torch.nn.functional as F
from mmaction.registry import MODELS

from .loss_weight import check_loss_weight


@MODELS.register_module()
class ChannelConsistencyLoss(nn.Module):
    """KL divergence between the channel distributions of the two paths.

    Each path's descriptor ``H(psi(f); W)`` (``N x C'`` logits) becomes a
    distribution over channels by a softmax. With ``P_c`` (clean) and
    ``P_n`` (noise), the default ``direction='clean_noise'`` is the paper's
    ``KL(P_c || P_n) = sum_k P_c[k] * (log P_c[k] - log P_n[k])``: summed over
    the ``C'`` channels (a KL divergence of one clip), then averaged over the
    batch. Both log-probabilities come from ``log_softmax``, so large logits
    cannot overflow and no ``log(0)`` appears.

    ``loss_weight`` is gamma of eq. 7 (0.1 in the paper), so the loss in the
    log is already scaled.

    Args:
        loss_weight (float): Factor applied to the loss (gamma).
            Defaults to 0.1.
        direction (str): ``'clean_noise'`` for ``KL(P_c || P_n)`` (the
            paper), ``'noise_clean'`` for ``KL(P_n || P_c)``, ``'symmetric'``
            for the mean of both. Defaults to ``'clean_noise'``.
    """

    DIRECTIONS = ('clean_noise', 'noise_clean', 'symmetric')

    def __init__(self,
                 loss_weight: float = 0.1,
                 direction: str = 'clean_noise') -> None:
        super().__init__()
        if direction not in self.DIRECTIONS:
            raise ValueError(f'ChannelConsistencyLoss: unknown direction '
                             f'{direction!r}; expected one of '
                             f'{self.DIRECTIONS}')
        self.loss_weight = check_loss_weight(
            'ChannelConsistencyLoss',
            loss_weight,
            config_key='gamma, model.cw_loss.loss_weight')
        self.direction = direction

    @staticmethod
    def _kl(log_p: torch.Tensor, log_q: torch.Tensor) -> torch.Tensor:
        """``KL(p || q)`` per sample from log-probabilities, ``N x C'`` ->
        ``N``."""
        return (log_p.exp() * (log_p - log_q)).sum(dim=1)

    def forward(self, clean_logits: torch.Tensor,
                noise_logits: torch.Tensor) -> torch.Tensor:
        """Compute the loss.

        Args:
            clean_logits (torch.Tensor): ``H(psi(f_c); W1)``, ``N x C'``.
            noise_logits (torch.Tensor): ``H(psi(T^-1(f_n)); W2)``,
                ``N x C'``.

        Returns:
            torch.Tensor: The weighted scalar loss.
        """
        if clean_logits.dim() != 2 or clean_logits.shape != noise_logits.shape:
            raise ValueError(
                'ChannelConsistencyLoss needs two N x C logits of one shape; '
                f'got {tuple(clean_logits.shape)} and '
                f'{tuple(noise_logits.shape)}')
        log_pc = F.log_softmax(clean_logits, dim=1)  # N x C'
        log_pn = F.log_softmax(noise_logits, dim=1)  # N x C'
        if self.direction == 'clean_noise':
            kl = self._kl(log_pc, log_pn)
        elif self.direction == 'noise_clean':
            kl = self._kl(log_pn, log_pc)
        else:
            kl = 0.5 * (self._kl(log_pc, log_pn) + self._kl(log_pn, log_pc))
        return self.loss_weight * kl.mean()

    def extra_repr(self) -> str:
        return f'loss_weight={self.loss_weight}, direction={self.direction!r}'
