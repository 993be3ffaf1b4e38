"""A classifier of the playback rate a clip was sampled at: the pace
pretext task (Wang, Jiao & Liu, ECCV 2020), an addition of this project
(docs/method.md, decision 14)."""
from typing import Dict, List, Optional, Union

import torch
import torch.nn as nn
import torch.nn.functional as F
from mmaction.registry import MODELS
from mmaction.utils import SampleList
from mmengine.model import BaseModule

from ..utils.batch_norm import SingleSampleSafeBN1d


@MODELS.register_module()
class PlaybackRateHead(BaseModule):
    """Classify which of ``num_rates`` playback rates a clip was sampled at
    (``metainfo['pace_label']``, written by
    :class:`~mmstcr.datasets.transforms.SampleFramesAtRandomRate`).

    A pretext head for :class:`STCRRecognizer` (its ``pretext_head`` slot).
    The pace of a clip is a property of its motion, not of where or in which
    orientation things are, and the STT leaves it unchanged, so the head
    reads globally pooled maps, and with ``inputs='both'`` the clean and the
    noise map of each clip as two samples with the same label. Layers: global
    average pooling, ``Linear(C', hidden)``, batch norm, ReLU,
    ``Linear(hidden, num_rates)``.

    :meth:`loss` returns ``loss_pace`` (cross-entropy times ``loss_weight``)
    and ``pace_acc`` (batch top-1, logged only; chance ``1 / num_rates``).

    Args:
        in_channels (int): ``C'`` of the backbone map.
        num_rates (int): Classes (the length of the sampler's ``rates``).
            Defaults to 2.
        hidden_channels (int): Width of the hidden layer. Defaults to 64.
        inputs (str): ``'both'`` or ``'clean'``. Defaults to ``'both'``.
        loss_weight (float): Factor on the cross-entropy. Defaults to 1.0.
        init_cfg (dict or list[dict], optional): Defaults to None.
    """

    INPUTS = ('both', 'clean')

    def __init__(self,
                 in_channels: int,
                 num_rates: int = 2,
                 hidden_channels: int = 64,
                 inputs: str = 'both',
                 loss_weight: float = 1.0,
                 init_cfg: Optional[Union[dict, List[dict]]] = None) -> None:
        super().__init__(init_cfg=init_cfg)
        if inputs not in self.INPUTS:
            raise ValueError(f'PlaybackRateHead: inputs must be one of '
                             f'{self.INPUTS}, got {inputs!r}')
        if not isinstance(num_rates, int) or num_rates < 2:
            raise ValueError('PlaybackRateHead: num_rates must be an int >= '
                             f'2, got {num_rates!r}')
        self.in_channels = in_channels
        self.num_rates = num_rates
        self.inputs = inputs
        self.loss_weight = loss_weight
        self.fc1 = nn.Linear(in_channels, hidden_channels)
        self.bn = SingleSampleSafeBN1d(hidden_channels)
        self.fc2 = nn.Linear(hidden_channels, num_rates)

    def forward(self, feats: torch.Tensor) -> torch.Tensor:
        """``N x C' x T' x H' x W'`` maps -> ``N x num_rates`` logits."""
        if feats.dim() != 5 or feats.size(1) != self.in_channels:
            raise ValueError(
                f'PlaybackRateHead expects N x {self.in_channels} x T x H x W '
                f'maps, got {tuple(feats.shape)} (clip tuples are not '
                'supported; set `pretext_head.in_channels` to the backbone\'s '
                'output channels)')
        x = feats.mean(dim=(2, 3, 4))  # N x C'
        return self.fc2(F.relu(self.bn(self.fc1(x))))  # N x num_rates

    def loss(self, feats_clean: torch.Tensor,
             feats_noise: Optional[torch.Tensor],
             data_samples: SampleList) -> Dict[str, torch.Tensor]:
        """Cross-entropy against the rates the pipeline recorded."""
        missing = [
            i for i, s in enumerate(data_samples) if 'pace_label' not in s
        ]
        if missing:
            raise KeyError(
                f'PlaybackRateHead: samples {missing[:5]} have no '
                "metainfo['pace_label']; sample with SampleFramesAtRandomRate"
                " and add 'pace_label' to PackSTCRInputs.meta_keys")
        labels = feats_clean.new_tensor(
            [s.metainfo['pace_label'] for s in data_samples],
            dtype=torch.long)  # N
        if labels.min() < 0 or labels.max() >= self.num_rates:
            raise ValueError(f'PlaybackRateHead: pace labels must be in [0, '
                             f'{self.num_rates}), got {labels.tolist()}')
        feats = feats_clean
        if self.inputs == 'both' and feats_noise is not None:
            feats = torch.cat([feats_clean, feats_noise])  # 2N x C' x ...
            labels = labels.repeat(2)  # 2N
        logits = self(feats)  # N (or 2N) x num_rates
        acc = (logits.detach().argmax(1) == labels).float().mean()
        return dict(
            loss_pace=self.loss_weight * F.cross_entropy(logits, labels),
            pace_acc=acc)

    def extra_repr(self) -> str:
        return (f'in_channels={self.in_channels}, num_rates={self.num_rates}, '
                f'inputs={self.inputs!r}, loss_weight={self.loss_weight}')
