"""STCR with VICReg's guard against collapse: variance and covariance
terms on the descriptors."""
from typing import Dict

import torch
from mmaction.registry import MODELS

from .base_pretrainer import ModuleOrCfg, build_module
from .stcr_recognizer import STCRRecognizer


@MODELS.register_module()
class VICRegSTCRRecognizer(STCRRecognizer):
    """:class:`STCRRecognizer` plus VICReg's variance and covariance terms
    on ``(d_c, d_n)``, logged as ``loss_vc`` (docs/method.md, decision 10;
    docs/collapse.md). Eq. 5 plays VICReg's invariance term.

    Args:
        desc_loss (dict or nn.Module): The terms. Defaults to
            ``VarianceCovarianceLoss`` with VICReg's weights relative to
            the invariance term (1 and 0.04).
        **kwargs: Those of :class:`STCRRecognizer`.
    """

    def __init__(self, *args,
                 desc_loss: ModuleOrCfg = dict(
                     type='VarianceCovarianceLoss', var_weight=1.0,
                     cov_weight=0.04),
                 **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.desc_loss = build_module(desc_loss)

    def extra_losses(self, desc_clean: torch.Tensor,
                     desc_noise: torch.Tensor) -> Dict[str, torch.Tensor]:
        """``loss_vc`` of both views' descriptors, ``N x C' x T'``."""
        return dict(loss_vc=self.desc_loss(desc_clean, desc_noise))
