"""The Inception-v1 I3D of Carreira and Zisserman (2017), up to Mixed_5c.

This is the I3D of the STCR paper (its Mixed_5c map has 1024 channels),
built here from the published layer sizes. MMAction2's ``I3D`` config is an
inflated ResNet-50 (``ResNet3d``), another network.
"""
import math
from typing import Dict, List, Optional, Sequence, Tuple, Union

import torch
import torch.nn as nn
import torch.nn.functional as F
from mmaction.registry import MODELS
from mmcv.cnn import ConvModule
from mmengine.model import BaseModule
from mmengine.model.weight_init import constant_init, kaiming_init
from mmengine.utils.dl_utils.parrots_wrapper import _BatchNorm

Triple = Tuple[int, int, int]

# Inception blocks of GoogLeNet (Szegedy et al. 2015), as I3D inflates them.
# Each row: name, then the output channels of
#   branch 0: 1x1x1 conv,
#   branch 1: 1x1x1 conv -> 3x3x3 conv,
#   branch 2: 1x1x1 conv -> 3x3x3 conv (GoogLeNet's 5x5 is 3x3x3 in I3D),
#   branch 3: 3x3x3 max-pool (stride 1) -> 1x1x1 conv;
# the block outputs their concatenation (sum in the last column).
INCEPTION_BLOCKS = (
    # name       b0   b1 (1x1, 3x3)  b2 (1x1, 3x3)  b3   out
    ('mixed_3b', 64, (96, 128), (16, 32), 32),  # 256
    ('mixed_3c', 128, (128, 192), (32, 96), 64),  # 480
    ('mixed_4b', 192, (96, 208), (16, 48), 64),  # 512
    ('mixed_4c', 160, (112, 224), (24, 64), 64),  # 512
    ('mixed_4d', 128, (128, 256), (24, 64), 64),  # 512
    ('mixed_4e', 112, (144, 288), (32, 64), 64),  # 528
    ('mixed_4f', 256, (160, 320), (32, 128), 128),  # 832
    ('mixed_5b', 256, (160, 320), (32, 128), 128),  # 832
    ('mixed_5c', 384, (192, 384), (48, 128), 128),  # 1024
)

# The stages that ``frozen_stages`` counts: 0 is the stem.
STAGES = (
    ('conv1a', 'conv2b', 'conv2c'),
    ('mixed_3b', 'mixed_3c'),
    ('mixed_4b', 'mixed_4c', 'mixed_4d', 'mixed_4e', 'mixed_4f'),
    ('mixed_5b', 'mixed_5c'),
)


def _triple(value: Union[int, Sequence[int]]) -> Triple:
    if isinstance(value, int):
        return (value, value, value)
    value = tuple(int(v) for v in value)
    if len(value) != 3:
        raise ValueError(f'expected an int or 3 ints, got {value}')
    return value


def same_padding(size: Sequence[int], kernel: Triple,
                 stride: Triple) -> List[int]:
    """``F.pad`` amounts (W, then H, then T; before and after each) that
    make a window of ``kernel`` and ``stride`` give ``ceil(size / stride)``
    outputs, as TensorFlow's ``'SAME'`` does (the extra pixel, if any, goes
    after)."""
    pads = []
    for length, k, s in zip(size, kernel, stride):
        total = max((math.ceil(length / s) - 1) * s + k - length, 0)
        pads.append((total // 2, total - total // 2))
    # F.pad wants the last dimension first.
    return [p for pair in reversed(pads) for p in pair]


class SameMaxPool3d(nn.Module):
    """3D max pooling with ``'SAME'`` padding: ``ceil(size / stride)``
    outputs; padded positions never win (they hold ``-inf``)."""

    def __init__(self, kernel_size: Union[int, Sequence[int]],
                 stride: Union[int, Sequence[int]]) -> None:
        super().__init__()
        self.kernel_size = _triple(kernel_size)
        self.stride = _triple(stride)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        pad = same_padding(x.shape[2:], self.kernel_size, self.stride)
        if any(pad):
            x = F.pad(x, pad, value=float('-inf'))
        return F.max_pool3d(x, self.kernel_size, self.stride)

    def extra_repr(self) -> str:
        return f'kernel_size={self.kernel_size}, stride={self.stride}'


class SameConvModule(ConvModule):
    """Conv3d + BN + ReLU (mmcv's ``ConvModule``) with ``'SAME'`` zero
    padding, computed from each input's size. For stride 1 and odd kernels
    this is the usual symmetric ``k // 2``."""

    def __init__(self, in_channels: int, out_channels: int,
                 kernel_size: Union[int, Sequence[int]],
                 stride: Union[int, Sequence[int]] = 1, **kwargs) -> None:
        super().__init__(
            in_channels,
            out_channels,
            _triple(kernel_size),
            stride=_triple(stride),
            padding=0,
            **kwargs)
        self.same_kernel = _triple(kernel_size)
        self.same_stride = _triple(stride)

    def forward(self, x: torch.Tensor, **kwargs) -> torch.Tensor:
        pad = same_padding(x.shape[2:], self.same_kernel, self.same_stride)
        if any(pad):
            x = F.pad(x, pad)
        return super().forward(x, **kwargs)


class InceptionBlock3d(nn.Module):
    """One inflated Inception block (I3D's ``Mixed_*``): four branches
    concatenated along the channels.

    Args:
        in_channels (int): Input channels.
        b0 (int): Channels of the 1x1x1 branch.
        b1 (tuple[int]): Channels of the 1x1x1 then 3x3x3 branch.
        b2 (tuple[int]): Channels of the second 1x1x1 then 3x3x3 branch.
        b3 (int): Channels of the 1x1x1 conv after the 3x3x3 max-pool.
        conv (dict): Keyword arguments of every conv (norm and act configs).
    """

    def __init__(self, in_channels: int, b0: int, b1: Tuple[int, int],
                 b2: Tuple[int, int], b3: int, conv: Dict) -> None:
        super().__init__()
        self.branch0 = SameConvModule(in_channels, b0, 1, **conv)
        self.branch1 = nn.Sequential(
            SameConvModule(in_channels, b1[0], 1, **conv),
            SameConvModule(b1[0], b1[1], 3, **conv))
        self.branch2 = nn.Sequential(
            SameConvModule(in_channels, b2[0], 1, **conv),
            SameConvModule(b2[0], b2[1], 3, **conv))
        self.branch3 = nn.Sequential(
            SameMaxPool3d(3, 1), SameConvModule(in_channels, b3, 1, **conv))
        self.out_channels = b0 + b1[1] + b2[1] + b3

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return torch.cat([
            self.branch0(x),
            self.branch1(x),
            self.branch2(x),
            self.branch3(x)
        ], dim=1)


@MODELS.register_module()
class InceptionI3D(BaseModule):
    """Inception-v1 I3D (Carreira and Zisserman 2017), conv1a to Mixed_5c,
    returning the Mixed_5c map before global pooling.

    Layers (channels at ``width_mult=1``; every conv is followed by BN and
    ReLU; all convs and pools pad ``'SAME'`` as the TensorFlow original, so
    a layer of stride ``s`` gives ``ceil(size / s)`` outputs):

    ============  ====================================  ========
    layer         operation                              channels
    ============  ====================================  ========
    conv1a        conv 7x7x7, stride 2                   64
    pool2a        max-pool 1x3x3, stride 1x2x2
    conv2b        conv 1x1x1                             64
    conv2c        conv 3x3x3                             192
    pool3a        max-pool 1x3x3, stride 1x2x2
    mixed_3b, 3c  Inception blocks                       256, 480
    pool4a        max-pool 3x3x3, stride 2
    mixed_4b..4f  Inception blocks                       512 ... 832
    pool5a        max-pool 2x2x2, stride 2
    mixed_5b, 5c  Inception blocks                       832, 1024
    ============  ====================================  ========

    The block sizes are GoogLeNet's (:data:`INCEPTION_BLOCKS`). The output
    is ``N x 1024 x ceil(T/8) x ceil(H/32) x ceil(W/32)``: ``1024 x 2 x 4 x
    4`` at ``16 x 112 x 112`` (STCR's clips), ``1024 x 8 x 7 x 7`` at
    ``64 x 224 x 224`` (the paper's section 4.4). A ``Recognizer3D`` with
    ``I3DHead(in_channels=1024)`` finetunes it; STCR's
    ``ChannelDescriptorHead`` takes ``in_channels=1024, temporal_size=2`` at
    16 frames.

    Names are lower-case versions of the original's (``Conv3d_1a_7x7`` ->
    ``conv1a``, ``Mixed_5c`` -> ``mixed_5c``); nothing is downloaded and no
    ImageNet inflation is done: it trains from scratch.

    Args:
        in_channels (int): Input channels. Defaults to 3.
        width_mult (float): Factor on every layer's width (rounded, at least
            1 channel); 1.0 is the published network, small values give tiny
            test models. Defaults to 1.0.
        frozen_stages (int): Stages to freeze (weights fixed and BN in eval
            mode): -1 none, 0 the stem (conv1a-conv2c), 1 also Mixed_3*, 2
            also Mixed_4*, 3 everything. Defaults to -1.
        norm_eval (bool): Keep every BN layer in eval mode (running
            statistics fixed) when training. Defaults to False.
        conv_cfg (dict): Convolution config. Defaults to
            ``dict(type='Conv3d')``.
        norm_cfg (dict): Norm layer config. Defaults to
            ``dict(type='BN3d', requires_grad=True)``.
        act_cfg (dict): Activation config. Defaults to ``dict(type='ReLU')``.
        init_cfg (dict or list[dict], optional): MMEngine init config, e.g.
            ``dict(type='Pretrained', checkpoint=...)``. ``None`` gives Kaiming
            init of the convs and weight 1 / bias 0 of the BN layers.
            Defaults to None.
    """

    # The output of each stage, which STCRRecognizer's per-stage collapse
    # signal watches.
    stage_names = ('conv2c', 'mixed_3c', 'mixed_4f', 'mixed_5c')

    def __init__(self,
                 in_channels: int = 3,
                 width_mult: float = 1.0,
                 frozen_stages: int = -1,
                 norm_eval: bool = False,
                 conv_cfg: Dict = dict(type='Conv3d'),
                 norm_cfg: Dict = dict(type='BN3d', requires_grad=True),
                 act_cfg: Dict = dict(type='ReLU'),
                 init_cfg: Optional[Union[Dict, list]] = None) -> None:
        super().__init__(init_cfg=init_cfg)
        if not isinstance(in_channels, int) or in_channels < 1:
            raise ValueError('InceptionI3D: in_channels must be a positive '
                             f'int, got {in_channels!r}')
        if not (isinstance(width_mult, (int, float)) and width_mult > 0):
            raise ValueError('InceptionI3D: width_mult must be a positive '
                             f'number, got {width_mult!r}')
        if not (isinstance(frozen_stages, int)
                and -1 <= frozen_stages < len(STAGES)):
            raise ValueError('InceptionI3D: frozen_stages must be an int in '
                             f'[-1, {len(STAGES) - 1}], got '
                             f'{frozen_stages!r}')
        self.in_channels = in_channels
        self.width_mult = width_mult
        self.frozen_stages = frozen_stages
        self.norm_eval = norm_eval

        def width(channels: int) -> int:
            return max(1, int(round(channels * width_mult)))

        conv = dict(conv_cfg=conv_cfg, norm_cfg=norm_cfg, act_cfg=act_cfg)
        # stem: N x 3 x T x H x W -> N x 192 x T/2 x H/8 x W/8
        self.conv1a = SameConvModule(
            in_channels, width(64), 7, stride=2, **conv)
        self.pool2a = SameMaxPool3d((1, 3, 3), (1, 2, 2))
        self.conv2b = SameConvModule(width(64), width(64), 1, **conv)
        self.conv2c = SameConvModule(width(64), width(192), 3, **conv)
        self.pool3a = SameMaxPool3d((1, 3, 3), (1, 2, 2))

        channels = width(192)
        for name, b0, b1, b2, b3 in INCEPTION_BLOCKS:
            block = InceptionBlock3d(
                channels,
                width(b0), (width(b1[0]), width(b1[1])),
                (width(b2[0]), width(b2[1])),
                width(b3),
                conv=conv)
            self.add_module(name, block)
            channels = block.out_channels
        self.pool4a = SameMaxPool3d(3, 2)
        self.pool5a = SameMaxPool3d(2, 2)
        self.out_channels = channels
        self._freeze_stages()

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """Args:
            x (torch.Tensor): Clips, ``N x C x T x H x W``.

        Returns:
            torch.Tensor: The Mixed_5c map, ``N x 1024 x ceil(T/8) x
            ceil(H/32) x ceil(W/32)`` (channels scaled by ``width_mult``).
        """
        x = self.pool2a(self.conv1a(x))  # 64 x T/2 x H/4 x W/4
        x = self.pool3a(self.conv2c(self.conv2b(x)))  # 192 x T/2 x H/8
        x = self.mixed_3c(self.mixed_3b(x))  # 480 x T/2 x H/8 x W/8
        x = self.pool4a(x)  # 480 x T/4 x H/16 x W/16
        for name in STAGES[2]:
            x = getattr(self, name)(x)  # 832 x T/4 x H/16 x W/16
        x = self.pool5a(x)  # 832 x T/8 x H/32 x W/32
        return self.mixed_5c(self.mixed_5b(x))  # 1024 x T/8 x H/32 x W/32

    def init_weights(self) -> None:
        """Kaiming init of the convs, weight 1 and bias 0 of the BN layers,
        unless ``init_cfg`` is given."""
        if self.init_cfg is not None:
            super().init_weights()
            return
        for m in self.modules():
            if isinstance(m, nn.Conv3d):
                kaiming_init(m)
            elif isinstance(m, _BatchNorm):
                constant_init(m, 1, bias=0)

    def _freeze_stages(self) -> None:
        for stage in STAGES[:self.frozen_stages + 1]:
            for name in stage:
                module = getattr(self, name)
                module.eval()
                for param in module.parameters():
                    param.requires_grad = False

    def train(self, mode: bool = True) -> 'InceptionI3D':
        """Set train mode, then keep the frozen stages and, with
        ``norm_eval``, every BN layer in eval mode."""
        super().train(mode)
        self._freeze_stages()
        if mode and self.norm_eval:
            for m in self.modules():
                if isinstance(m, _BatchNorm):
                    m.eval()
        return self

    def num_parameters(self) -> int:
        """Number of weights (parameters, buffers excluded)."""
        return sum(p.numel() for p in self.parameters())


__all__ = ['InceptionI3D', 'InceptionBlock3d', 'SameConvModule',
           'SameMaxPool3d', 'same_padding', 'INCEPTION_BLOCKS', 'STAGES']
