"""A 16-way classifier of the Spatio-Temporal Transformation code: the
transform head of the authors' public code (docs/method.md, decision 10)."""
from typing import Dict, List, Optional, Union

import torch
import torch.nn as nn
import torch.nn.functional as F
from mmaction.registry import MODELS
from mmaction.utils import SampleList
from mmengine.model import BaseModule

from mmstcr.structures import FLIP_MODES, ROTATION_DEGREES, check_code

NUM_CODES = len(FLIP_MODES) * len(ROTATION_DEGREES)  # 16


def stt_code_label(code) -> int:
    """``(z1, z2)`` -> class index ``4 * z1 + z2`` in ``[0, 16)``."""
    z1, z2 = check_code(code)
    return z1 * len(ROTATION_DEGREES) + z2


@MODELS.register_module()
class STTCodeHead(BaseModule):
    """Classify which of the 16 STT codes made the noise view, from the
    noise path's feature map.

    A pretext head for :class:`STCRRecognizer` (its ``pretext_head`` slot).
    Layers, as in the authors' public code: a ``1 x 1 x 1`` conv
    ``C' -> hidden_channels``, batch norm without affine parameters, ReLU,
    then one linear layer over the **flattened map** to 16 logits. Global
    pooling would make the head blind to a flip or a rotation of an
    equivariant map, so the head reads the whole ``T' x H' x W'`` layout; its
    input size is therefore fixed (``feat_size``) and checked.

    ``inputs='noise'`` (default) reads the noise map only, as the authors'
    code does: the code must then be visible in one clip (for real video:
    gravity, the arrow of time). ``inputs='pair'`` reads the clean and the
    noise map concatenated along channels, so the head predicts the
    *relative* transform, which is possible even when single clips carry no
    orientation cue (an addition of this project).

    :meth:`loss` returns ``loss_stt`` (cross-entropy times ``loss_weight``)
    and ``stt_acc`` (batch top-1 accuracy, logged only; chance is 1/16).

    Args:
        in_channels (int): ``C'`` of the backbone map.
        feat_size (tuple[int, int, int]): ``(T', H', W')`` of the map.
        hidden_channels (int): Channels after the 1x1x1 conv.
            Defaults to 64.
        inputs (str): ``'noise'`` or ``'pair'``. Defaults to ``'noise'``.
        loss_weight (float): Factor on the cross-entropy. Defaults to 1.0.
        init_cfg (dict or list[dict], optional): Defaults to None.
    """

    INPUTS = ('noise', 'pair')

    def __init__(self,
                 in_channels: int,
                 feat_size: tuple,
                 hidden_channels: int = 64,
                 inputs: str = 'noise',
                 loss_weight: float = 1.0,
                 init_cfg: Optional[Union[dict, List[dict]]] = None) -> None:
        super().__init__(init_cfg=init_cfg)
        if inputs not in self.INPUTS:
            raise ValueError(f'STTCodeHead: inputs must be one of '
                             f'{self.INPUTS}, got {inputs!r}')
        feat_size = tuple(feat_size)
        if len(feat_size) != 3 or not all(
                isinstance(s, int) and s > 0 for s in feat_size):
            raise ValueError('STTCodeHead: feat_size must be three positive '
                             f"ints (T', H', W'), got {feat_size!r}")
        self.in_channels = in_channels
        self.feat_size = feat_size
        self.inputs = inputs
        self.loss_weight = loss_weight
        conv_in = in_channels * (2 if inputs == 'pair' else 1)
        self.conv = nn.Conv3d(conv_in, hidden_channels, kernel_size=1)
        self.bn = nn.BatchNorm3d(hidden_channels, affine=False)
        t, h, w = feat_size
        self.fc = nn.Linear(hidden_channels * t * h * w, NUM_CODES)

    def forward(self, feats_clean: torch.Tensor,
                feats_noise: torch.Tensor) -> torch.Tensor:
        """``N x C' x T' x H' x W'`` maps (the noise one not inverted) ->
        ``N x 16`` logits."""
        if tuple(feats_noise.shape[1:]) != (self.in_channels,
                                            *self.feat_size):
            raise ValueError(
                f'STTCodeHead was built for maps {self.in_channels} x '
                f'{self.feat_size}, got {tuple(feats_noise.shape[1:])}; set '
                '`pretext_head.in_channels` / `feat_size` in the model config '
                '(they depend on the backbone, clip length and crop size)')
        x = feats_noise
        if self.inputs == 'pair':
            x = torch.cat([feats_clean, feats_noise], dim=1)  # N x 2C' x ..
        x = F.relu(self.bn(self.conv(x)))  # N x hidden x T' x H' x W'
        return self.fc(x.flatten(1))  # N x 16

    def loss(self, feats_clean: torch.Tensor, feats_noise: torch.Tensor,
             data_samples: SampleList) -> Dict[str, torch.Tensor]:
        """Cross-entropy against the codes the pipeline recorded."""
        labels = feats_noise.new_tensor(
            [stt_code_label(s.metainfo['stt_code']) for s in data_samples],
            dtype=torch.long)  # N
        logits = self(feats_clean, feats_noise)  # N x 16
        acc = (logits.detach().argmax(1) == labels).float().mean()
        return dict(
            loss_stt=self.loss_weight * F.cross_entropy(logits, labels),
            stt_acc=acc)

    def extra_repr(self) -> str:
        return (f'in_channels={self.in_channels}, feat_size={self.feat_size}, '
                f'inputs={self.inputs!r}, loss_weight={self.loss_weight}')
