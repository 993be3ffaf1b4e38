"""The predictor of SimSiam / BYOL, applied to STCR's ``psi`` descriptors."""
from typing import List, Optional, Union

import torch
import torch.nn as nn
from mmaction.registry import MODELS
from mmengine.model import BaseModule

from ..utils.batch_norm import SingleSampleSafeBN1d


@MODELS.register_module()
class DescriptorPredictor(BaseModule):
    """A two-layer MLP over channels, applied at every time step of a
    ``N x C' x T'`` descriptor: ``Linear(C', hidden) -> BN -> ReLU ->
    Linear(hidden, C')``, written as 1-wide 1D convolutions so that the
    temporal axis, which ``L_tw`` compares step by step, is kept.

    It predicts the clean descriptor from the noise one. With a
    stop-gradient on the target it is SimSiam's predictor (Chen & He, 2021);
    with a momentum target network, BYOL's (Grill et al., 2020). Both are
    additions to the paper (docs/method.md, decision 10).

    Args:
        in_channels (int): ``C'``.
        hidden_channels (int): Width of the hidden layer (SimSiam uses a
            bottleneck of a quarter of the width). Defaults to 128.
        init_cfg (dict or list[dict], optional): Defaults to None.
    """

    def __init__(self,
                 in_channels: int,
                 hidden_channels: int = 128,
                 init_cfg: Optional[Union[dict, List[dict]]] = None) -> None:
        super().__init__(init_cfg=init_cfg)
        for key, value in (('in_channels', in_channels),
                           ('hidden_channels', hidden_channels)):
            if not isinstance(value, int) or value < 1:
                raise ValueError(f'DescriptorPredictor: {key} must be a '
                                 f'positive int, got {value!r}')
        self.in_channels = in_channels
        self.mlp = nn.Sequential(
            nn.Conv1d(in_channels, hidden_channels, kernel_size=1),
            SingleSampleSafeBN1d(hidden_channels), nn.ReLU(inplace=True),
            nn.Conv1d(hidden_channels, in_channels, kernel_size=1))

    def forward(self, desc: torch.Tensor) -> torch.Tensor:
        """``N x C' x T'`` -> ``N x C' x T'``."""
        if desc.dim() != 3 or desc.size(1) != self.in_channels:
            raise ValueError(
                f'DescriptorPredictor expects N x {self.in_channels} x T '
                f'descriptors, got {tuple(desc.shape)}; set '
                '`predictor.in_channels` to the backbone\'s C\'')
        return self.mlp(desc)
