"""VICReg's variance and covariance terms on STCR's ``psi`` descriptors."""
import torch
import torch.nn as nn
from mmaction.registry import MODELS


@MODELS.register_module()
class VarianceCovarianceLoss(nn.Module):
    """Keep the descriptors of a batch spread out (Bardes et al., VICReg,
    2022): an addition to the paper against collapse (docs/method.md,
    decision 10). ``L_tw`` plays VICReg's invariance term.

    Each view's descriptors are flattened to ``Z: N x D`` (``D = C' * T'``).
    With ``s_j`` the standard deviation of dimension ``j`` over the batch
    (unbiased) and ``K`` the ``D x D`` covariance matrix over the batch::

        v(Z) = mean_j relu(target_std - sqrt(s_j^2 + eps))
        c(Z) = sum_{i != j} K_ij^2 / D

    The loss is ``var_weight * (v(Z_c) + v(Z_n)) / 2 + cov_weight *
    (c(Z_c) + c(Z_n)) / 2``; both weights are checked to be finite and
    ``>= 0``. A batch of one clip has no spread: the loss is then 0.

    Args:
        var_weight (float): Weight of the variance hinge. Defaults to 1.0.
        cov_weight (float): Weight of the covariance term. Defaults to 0.04
            (VICReg's 25 : 1 ratio of variance to covariance).
        target_std (float): Hinge target of the standard deviation.
            Defaults to 1.0.
        eps (float): Defaults to 1e-4.
    """

    def __init__(self,
                 var_weight: float = 1.0,
                 cov_weight: float = 0.04,
                 target_std: float = 1.0,
                 eps: float = 1e-4) -> None:
        super().__init__()
        for key, value in (('var_weight', var_weight),
                           ('cov_weight', cov_weight),
                           ('target_std', target_std)):
            if (not isinstance(value, (int, float)) or isinstance(value, bool)
                    or not value >= 0 or value == float('inf')):
                raise ValueError(f'VarianceCovarianceLoss: {key} must be a '
                                 f'finite number >= 0, got {value!r}')
        self.var_weight = float(var_weight)
        self.cov_weight = float(cov_weight)
        self.target_std = float(target_std)
        self.eps = eps

    def variance(self, z: torch.Tensor) -> torch.Tensor:
        """``v(Z)`` of ``N x D`` embeddings."""
        std = torch.sqrt(z.var(dim=0) + self.eps)  # D
        return torch.relu(self.target_std - std).mean()

    @staticmethod
    def covariance(z: torch.Tensor) -> torch.Tensor:
        """``c(Z)`` of ``N x D`` embeddings."""
        num, dim = z.shape
        z = z - z.mean(dim=0)  # N x D
        cov = z.t() @ z / (num - 1)  # D x D
        off_diag = cov - torch.diag_embed(torch.diagonal(cov))
        return off_diag.pow(2).sum() / dim

    def forward(self, clean: torch.Tensor,
                noise: torch.Tensor) -> torch.Tensor:
        """Args:
            clean (torch.Tensor): ``psi(f_c)``, ``N x C' x T'``.
            noise (torch.Tensor): ``psi(T^-1(f_n))``, same shape.

        Returns:
            torch.Tensor: The weighted scalar loss.
        """
        if clean.shape != noise.shape:
            raise ValueError(
                'VarianceCovarianceLoss needs two batches of one shape; got '
                f'{tuple(clean.shape)} and {tuple(noise.shape)}')
        if clean.size(0) < 2:
            # a spread is undefined for one clip (e.g. the last, partial
            # batch of an epoch): no term, but keep the graph
            return clean.sum() * 0.
        z_c, z_n = clean.flatten(1), noise.flatten(1)  # N x D
        var = (self.variance(z_c) + self.variance(z_n)) / 2
        cov = (self.covariance(z_c) + self.covariance(z_n)) / 2
        return self.var_weight * var + self.cov_weight * cov

    def extra_repr(self) -> str:
        return (f'var_weight={self.var_weight}, cov_weight={self.cov_weight}, '
                f'target_std={self.target_std}')
