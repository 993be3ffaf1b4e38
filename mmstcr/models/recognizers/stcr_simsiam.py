"""STCR with SimSiam's guard against collapse: a stop-gradient target and
a predictor on the noise path."""
from typing import Optional

import torch
from mmaction.registry import MODELS

from .base_pretrainer import ModuleOrCfg, build_module
from .stcr_recognizer import STCRRecognizer


@MODELS.register_module()
class SimSiamSTCRRecognizer(STCRRecognizer):
    """:class:`STCRRecognizer` with eq. 5 read as SimSiam's loss,
    ``L_tw(sg(d_c), P(d_n))``, and eq. 6 on ``H1(sg(d_c))`` (docs/method.md,
    decision 10; docs/collapse.md).

    Without a predictor it is the stop-gradient ablation alone,
    ``L_tw(sg(d_c), d_n)``.

    Args:
        predictor (dict or nn.Module, optional): Maps the noise descriptor
            (``DescriptorPredictor``). A config without ``in_channels``
            gets the channel-wise head's ``in_channels`` (the backbone's
            ``C'``) and, unless given, SimSiam's bottleneck
            ``hidden_channels = C' // 4``, so that one config fits every
            backbone. Defaults to None.
        **kwargs: Those of :class:`STCRRecognizer`.
    """

    def __init__(self, *args, predictor: Optional[ModuleOrCfg] = None,
                 **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if isinstance(predictor, dict) and 'in_channels' not in predictor:
            channels = self.cw_head_clean.in_channels
            predictor = dict(predictor, in_channels=channels)
            predictor.setdefault('hidden_channels', channels // 4)
        self.predictor = (None if predictor is None else
                          build_module(predictor))

    def clean_target(self, desc_clean: torch.Tensor,
                     clean: torch.Tensor) -> torch.Tensor:
        """``sg(d_c)``: no gradient flows through the clean path."""
        return desc_clean.detach()

    def noise_prediction(self, desc_noise: torch.Tensor) -> torch.Tensor:
        """``P(d_n)``, or ``d_n`` without a predictor."""
        if self.predictor is None:
            return desc_noise
        return self.predictor(desc_noise)  # N x C' x T'
