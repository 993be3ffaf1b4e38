"""C3D's convolutional trunk, returning the conv5b feature map."""
from typing import Dict, Optional, Union

import torch
import torch.nn as nn
from mmaction.registry import MODELS
from mmcv.cnn import ConvModule
from mmengine.model import BaseModule
from mmengine.model.weight_init import constant_init, kaiming_init
from mmengine.utils.dl_utils.parrots_wrapper import _BatchNorm


@MODELS.register_module()
class C3DConv(BaseModule):
    """C3D without ``pool5``, ``fc6`` and ``fc7``: conv1a ... conv5b.

    MMAction2's ``C3D`` flattens ``pool5`` into ``fc6``/``fc7`` and returns a
    4096-dim vector, which fixes the input size (``out_dim``) and leaves no
    map for STCR's consistency losses. This backbone keeps the same layers
    and names up to ``conv5b`` (so ``conv*`` weights of a ``C3D`` checkpoint
    load into it) and returns the conv5b map, ``N x 8*base_channels x T' x
    H' x W'``, for any input size. At ``16 x 112 x 112`` it is
    ``N x 512 x 2 x 7 x 7``. A ``Recognizer3D`` with
    ``I3DHead(in_channels=512)`` finetunes it (the head pools the map).

    Layers (``k`` = ``base_channels``): conv1a(k), pool1 (1,2,2),
    conv2a(2k), pool2 (2,2,2), conv3a/b(4k), pool3 (2,2,2), conv4a/b(8k),
    pool4 (2,2,2), conv5a/b(8k); all convs 3x3x3, stride 1, padding 1.

    Args:
        in_channels (int): Input channels. Defaults to 3.
        base_channels (int): Width of conv1a; C3D uses 64 (conv5b then has
            512 channels). Smaller values give tiny test models.
            Defaults to 64.
        conv_cfg (dict): Convolution config. Defaults to
            ``dict(type='Conv3d')``.
        norm_cfg (dict, optional): Norm layer config, e.g.
            ``dict(type='BN3d')``; ``None`` (C3D's original design, and
            MMAction2's ``C3D`` default) has no norm layers. Defaults to None.
        act_cfg (dict): Activation config. Defaults to ``dict(type='ReLU')``.
        init_cfg (dict or list[dict], optional): MMEngine init config, e.g.
            ``dict(type='Pretrained', checkpoint=...)``. ``None`` gives
            Kaiming init of the convs and unit/zero init of norm layers.
            Defaults to None.
    """

    # The output of each conv block, which STCRRecognizer's per-stage
    # collapse signal watches.
    stage_names = ('conv1a', 'conv2a', 'conv3b', 'conv4b', 'conv5b')

    def __init__(self,
                 in_channels: int = 3,
                 base_channels: int = 64,
                 conv_cfg: Dict = dict(type='Conv3d'),
                 norm_cfg: Optional[Dict] = None,
                 act_cfg: Dict = dict(type='ReLU'),
                 init_cfg: Optional[Union[Dict, list]] = None) -> None:
        super().__init__(init_cfg=init_cfg)
        if not isinstance(base_channels, int) or base_channels < 1:
            raise ValueError('C3DConv: base_channels must be a positive int, '
                             f'got {base_channels!r}')
        self.in_channels = in_channels
        self.base_channels = base_channels
        k = base_channels
        conv = dict(
            kernel_size=3,
            padding=1,
            conv_cfg=conv_cfg,
            norm_cfg=norm_cfg,
            act_cfg=act_cfg)

        self.conv1a = ConvModule(in_channels, k, **conv)
        self.pool1 = nn.MaxPool3d(kernel_size=(1, 2, 2), stride=(1, 2, 2))
        self.conv2a = ConvModule(k, 2 * k, **conv)
        self.pool2 = nn.MaxPool3d(kernel_size=2, stride=2)
        self.conv3a = ConvModule(2 * k, 4 * k, **conv)
        self.conv3b = ConvModule(4 * k, 4 * k, **conv)
        self.pool3 = nn.MaxPool3d(kernel_size=2, stride=2)
        self.conv4a = ConvModule(4 * k, 8 * k, **conv)
        self.conv4b = ConvModule(8 * k, 8 * k, **conv)
        self.pool4 = nn.MaxPool3d(kernel_size=2, stride=2)
        self.conv5a = ConvModule(8 * k, 8 * k, **conv)
        self.conv5b = ConvModule(8 * k, 8 * k, **conv)
        self.out_channels = 8 * k

    def init_weights(self) -> None:
        """Kaiming init (C3D's own scheme) unless ``init_cfg`` is given."""
        if self.init_cfg is not None:
            super().init_weights()
            return
        for m in self.modules():
            if isinstance(m, nn.Conv3d):
                kaiming_init(m)
            elif isinstance(m, _BatchNorm):
                constant_init(m, 1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """Args:
            x (torch.Tensor): Clips, ``N x C x T x H x W``; ``T >= 8`` and
                ``H, W >= 16`` keep every pooling non-empty.

        Returns:
            torch.Tensor: conv5b map, ``N x 8k x T/8 x H/16 x W/16``
            (floors).
        """
        x = self.pool1(self.conv1a(x))  # N x k x T x H/2 x W/2
        x = self.pool2(self.conv2a(x))  # N x 2k x T/2 x H/4 x W/4
        x = self.pool3(self.conv3b(self.conv3a(x)))  # N x 4k x T/4 x H/8
        x = self.pool4(self.conv4b(self.conv4a(x)))  # N x 8k x T/8 x H/16
        return self.conv5b(self.conv5a(x))  # N x 8k x T/8 x H/16 x W/16
