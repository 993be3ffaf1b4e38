"""A tiny plain 3D CNN for CPU benchmarks: stem and two stages of 3x3x3
convs, returning the last feature map."""
from typing import Dict, List, Optional, Sequence, Union

import torch
import torch.nn as nn
from mmaction.registry import MODELS
from mmengine.model import BaseModule


def _conv_bn_relu(in_channels: int, out_channels: int,
                  stride: Sequence[int]) -> nn.Sequential:
    return nn.Sequential(
        nn.Conv3d(
            in_channels,
            out_channels,
            kernel_size=3,
            stride=tuple(stride),
            padding=1,
            bias=False), nn.BatchNorm3d(out_channels), nn.ReLU(inplace=True))


@MODELS.register_module()
class TinyVideoCNN(BaseModule):
    """A 3D CNN sized for a 2-core CPU: a stem and ``len(stage_channels)``
    stages of ``convs_per_stage`` 3x3x3 conv + BN + ReLU blocks, the first
    conv of each stage strided.

    With the defaults (1 grey input channel, stem 16 channels with stride
    ``(1, 2, 2)``, stages of 32 and 64 channels with stride ``(2, 2, 2)``,
    two convs each) it has 208,208 parameters, and a ``16 x 32 x 32`` clip
    gives a ``64 x 4 x 4 x 4`` map. No residual connections, no pooling
    layers: the strides do the downsampling.

    It returns the map before global pooling, ``N x C' x T' x H' x W'``,
    as :class:`STCRRecognizer` needs, and a ``Recognizer3D`` with
    ``I3DHead(in_channels=stage_channels[-1])`` finetunes it. Its stages
    are the attributes ``stem``, ``stage1``, ``stage2``, ... (named in
    ``stage_names`` for the collapse probe).

    Args:
        in_channels (int): Input channels. Defaults to 1 (grey).
        stem_channels (int): Channels of the stem conv. Defaults to 16.
        stem_stride (Sequence[int]): Stride ``(t, h, w)`` of the stem.
            Defaults to ``(1, 2, 2)``.
        stage_channels (Sequence[int]): Channels of each stage.
            Defaults to ``(32, 64)``.
        stage_stride (Sequence[int]): Stride of each stage's first conv.
            Defaults to ``(2, 2, 2)``.
        convs_per_stage (int): Convs per stage. Defaults to 2.
        channels_last (bool): Keep the conv weights in the
            ``channels_last_3d`` memory format, so that oneDNN runs every
            conv (and its backward) in that layout; the output is returned
            contiguous. Numerically the same model. Defaults to True.
        init_cfg (dict or list[dict], optional): Defaults to Kaiming normal
            convs (fan out, ReLU) and unit BN, as torchvision's video
            ResNets.
    """

    def __init__(self,
                 in_channels: int = 1,
                 stem_channels: int = 16,
                 stem_stride: Sequence[int] = (1, 2, 2),
                 stage_channels: Sequence[int] = (32, 64),
                 stage_stride: Sequence[int] = (2, 2, 2),
                 convs_per_stage: int = 2,
                 channels_last: bool = True,
                 init_cfg: Optional[Union[Dict, List[Dict]]] = (
                     dict(type='Kaiming', layer='Conv3d', mode='fan_out',
                          nonlinearity='relu'),
                     dict(type='Constant', layer='BatchNorm3d', val=1.))
                 ) -> None:
        super().__init__(
            init_cfg=list(init_cfg) if init_cfg is not None else None)
        if not stage_channels:
            raise ValueError('TinyVideoCNN: stage_channels must name at least '
                             'one stage')
        if not isinstance(convs_per_stage, int) or convs_per_stage < 1:
            raise ValueError('TinyVideoCNN: convs_per_stage must be an int '
                             f'>= 1, got {convs_per_stage!r}')
        self.in_channels = in_channels
        self.out_channels = stage_channels[-1]
        self.stem = _conv_bn_relu(in_channels, stem_channels, stem_stride)
        self.stage_names = []
        channels = stem_channels
        for i, out in enumerate(stage_channels, start=1):
            blocks = [_conv_bn_relu(channels, out, stage_stride)]
            blocks += [
                _conv_bn_relu(out, out, (1, 1, 1))
                for _ in range(convs_per_stage - 1)
            ]
            name = f'stage{i}'
            self.add_module(name, nn.Sequential(*blocks))
            self.stage_names.append(name)
            channels = out
        self.channels_last = channels_last
        if channels_last:
            # in-place inits and load_state_dict keep this layout
            self.to(memory_format=torch.channels_last_3d)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """``N x C x T x H x W`` clips -> ``N x C' x T' x H' x W'`` map."""
        if x.dim() != 5 or x.size(1) != self.in_channels:
            raise ValueError(
                f'TinyVideoCNN expects N x {self.in_channels} x T x H x W '
                f'clips, got {tuple(x.shape)}')
        x = self.stem(x)
        for name in self.stage_names:
            x = getattr(self, name)(x)
        return x.contiguous()
