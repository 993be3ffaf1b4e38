"""The channel descriptor ``H(.; W)`` of eq. 6 of the STCR paper."""
from typing import Optional, Union

import torch
import torch.nn as nn
import torch.nn.functional as F
from mmaction.registry import MODELS
from mmengine.model import BaseModule


@MODELS.register_module()
class ChannelDescriptorHead(BaseModule):
    """ReLU, then one fully connected layer that turns a clip's
    ``C' x T'`` max-pooled feature into a ``C'``-dim channel descriptor.

    Two readings of the FC (docs/method.md, decision 5):

    - ``mode='temporal'`` (default): one linear map over the time axis,
      ``T' -> 1``, shared by all channels (``temporal_size + 1``
      parameters).
    - ``mode='flatten'``: one linear map over the flattened ``C' * T'``
      values to ``C'`` outputs.

    The FC size is fixed by ``temporal_size``, the ``T'`` of the backbone's
    last feature map, which depends on the backbone and the clip length; the
    forward pass checks it and says which config key to change.

    Args:
        in_channels (int): ``C'``, channels of the backbone's feature map.
        temporal_size (int): ``T'``, temporal length of that map.
        mode (str): ``'temporal'`` or ``'flatten'``. Defaults to
            ``'temporal'``.
        init_cfg (dict or list[dict], optional): Weight init config; ``None``
            keeps PyTorch's default ``nn.Linear`` init. Defaults to None.
    """

    MODES = ('temporal', 'flatten')

    def __init__(self,
                 in_channels: int,
                 temporal_size: int,
                 mode: str = 'temporal',
                 init_cfg: Optional[Union[dict, list]] = None) -> None:
        super().__init__(init_cfg=init_cfg)
        if mode not in self.MODES:
            raise ValueError(f'ChannelDescriptorHead: unknown mode {mode!r}; '
                             f'expected one of {self.MODES}')
        for key, value in (('in_channels', in_channels),
                           ('temporal_size', temporal_size)):
            if not isinstance(value, int) or value < 1:
                raise ValueError(f'ChannelDescriptorHead: {key} must be a '
                                 f'positive int, got {value!r}')
        self.in_channels = in_channels
        self.temporal_size = temporal_size
        self.mode = mode
        if mode == 'temporal':
            self.fc = nn.Linear(temporal_size, 1)
        else:
            self.fc = nn.Linear(in_channels * temporal_size, in_channels)

    def _check_shape(self, x: torch.Tensor) -> None:
        if x.dim() != 3:
            raise ValueError('ChannelDescriptorHead expects N x C x T '
                             f'descriptors; got shape {tuple(x.shape)}')
        if x.size(2) != self.temporal_size:
            raise ValueError(
                f'ChannelDescriptorHead: the feature map has T\' = '
                f'{x.size(2)} time steps but the head was built with '
                f'temporal_size={self.temporal_size}; set '
                f'`cw_head.temporal_size={x.size(2)}` in the model config '
                '(T\' depends on the backbone and the clip length)')
        if x.size(1) != self.in_channels:
            raise ValueError(
                f'ChannelDescriptorHead: the feature map has C\' = '
                f'{x.size(1)} channels but the head was built with '
                f'in_channels={self.in_channels}; set '
                f'`cw_head.in_channels={x.size(1)}` in the model config')

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """Args:
            x (torch.Tensor): Max-pooled features ``psi(f)``, ``N x C' x T'``.

        Returns:
            torch.Tensor: Channel logits, ``N x C'``.
        """
        self._check_shape(x)
        x = F.relu(x)  # N x C' x T'
        if self.mode == 'temporal':
            return self.fc(x).squeeze(2)  # N x C' x 1 -> N x C'
        return self.fc(x.flatten(1))  # N x (C' * T') -> N x C'

    def extra_repr(self) -> str:
        return (f'in_channels={self.in_channels}, '
                f'temporal_size={self.temporal_size}, mode={self.mode!r}')
