"""Contrast two clips of each video against the other videos of the batch:
a contrastive baseline in the spirit of CVRL (Qian et al., CVPR 2021), an
addition of this project (docs/method.md, decision 18)."""
from typing import Dict, List, Optional, Union

import torch
import torch.nn as nn
from mmaction.registry import MODELS
from mmaction.utils import SampleList
from mmengine.model import BaseModule


@MODELS.register_module()
class ClipContrastHead(BaseModule):
    """InfoNCE between the two clips of each video, other videos as
    negatives.

    A pretext head for :class:`ClipTupleSTCRRecognizer` and
    :class:`PretextRecognizer` on tuples of two clips
    (``SampleClipTuple(num_clips=2)`` and ``PackClipTuple``: two clips of
    one video at different times, each with its own crop and flip). The
    recognizer hands it the clean clips grouped per video,
    ``B x 2 x C' x T' x H' x W'``. Each clip's map is averaged to ``h``
    (``C'``) and projected by an MLP ``g``, ``Linear(C', hidden)``, batch
    norm, ReLU, ``Linear(hidden, out)`` (SimCLR's projection head with one
    hidden layer; its batch norm sees the ``2B`` clips together), and::

        z_b0, z_b1 = g(h_b0), g(h_b1)              # B x out each
        loss_nce = L_nce(z_0, z_1)                 # InfoNCELoss, B x B

    The noise views (``feats_noise``, given when the recognizer runs the
    STCR losses) are not read: with :class:`ClipTupleSTCRRecognizer` STCR
    ties each clip's noise view to its clean view, and this head contrasts
    the clean views; with :class:`PretextRecognizer` (``feats_noise=None``)
    the head alone trains the backbone.

    :meth:`loss` returns ``loss_nce`` and two logged values without
    ``'loss'`` in their names: ``nce_acc``, the fraction of clips whose
    nearest clip of the other position in the batch is their own video's
    (both directions; chance ``1 / B``), and ``nce_pos_cos``, the mean cosine
    similarity of the positive pairs' embeddings.

    Args:
        in_channels (int): ``C'`` of the backbone map.
        hidden_channels (int): Width of the projector's hidden layer.
            Defaults to 512.
        out_channels (int): Dimension of the embeddings. Defaults to 128.
        loss (dict or nn.Module): The contrastive loss, called as
            ``loss(z_0, z_1)``; its ``logits(z_0, z_1)`` (``B x B``) gives
            ``nce_acc``. Defaults to
            ``dict(type='InfoNCELoss', temperature=0.1, loss_weight=1.0)``.
        init_cfg (dict or list[dict], optional): Defaults to None.
    """

    num_clips = 2

    def __init__(self,
                 in_channels: int,
                 hidden_channels: int = 512,
                 out_channels: int = 128,
                 loss: Union[dict, nn.Module] = dict(
                     type='InfoNCELoss', temperature=0.1, loss_weight=1.0),
                 init_cfg: Optional[Union[dict, List[dict]]] = None) -> None:
        super().__init__(init_cfg=init_cfg)
        for name, value in (('in_channels', in_channels),
                            ('hidden_channels', hidden_channels),
                            ('out_channels', out_channels)):
            if not isinstance(value, int) or isinstance(value, bool) \
                    or value < 1:
                raise ValueError(f'ClipContrastHead: {name} must be an int '
                                 f'>= 1; got {name}={value!r}')
        self.in_channels = in_channels
        self.projector = nn.Sequential(
            nn.Linear(in_channels, hidden_channels),
            nn.BatchNorm1d(hidden_channels), nn.ReLU(inplace=True),
            nn.Linear(hidden_channels, out_channels))
        self.loss_nce = loss if isinstance(loss, nn.Module) else MODELS.build(
            loss)

    def forward(self, feats: torch.Tensor) -> torch.Tensor:
        """``B x 2 x C' x T' x H' x W'`` maps -> ``B x 2 x out`` embeddings."""
        if (feats.dim() != 6 or feats.size(1) != self.num_clips
                or feats.size(2) != self.in_channels):
            raise ValueError(
                'ClipContrastHead needs the two clips of each video grouped, '
                f"B x 2 x {self.in_channels} x T' x H' x W' "
                '(ClipTupleSTCRRecognizer does it for B x 4 inputs from '
                'SampleClipTuple(num_clips=2) and PackClipTuple; '
                'in_channels is the backbone\'s C\'); got '
                f'{tuple(feats.shape)}')
        h = feats.mean(dim=(3, 4, 5))  # B x 2 x C'
        z = self.projector(h.flatten(0, 1))  # 2B x out, one BN batch
        return z.unflatten(0, (feats.size(0), self.num_clips))  # B x 2 x out

    def loss(self, feats_clean: torch.Tensor,
             feats_noise: Optional[torch.Tensor],
             data_samples: SampleList) -> Dict[str, torch.Tensor]:
        """InfoNCE between clip 0 and clip 1 of each video's clean views;
        ``feats_noise`` and ``data_samples`` are not read."""
        z = self(feats_clean)  # B x 2 x out
        z0, z1 = z[:, 0], z[:, 1]  # B x out each
        with torch.no_grad():
            logits = self.loss_nce.logits(z0, z1)  # B x B
            target = torch.arange(z.size(0), device=z.device)  # B
            acc = ((logits.argmax(1) == target).float().mean() +
                   (logits.argmax(0) == target).float().mean()) / 2
            pos_cos = nn.functional.cosine_similarity(z0, z1, dim=1).mean()
        return dict(
            loss_nce=self.loss_nce(z0, z1), nce_acc=acc, nce_pos_cos=pos_cos)

    def extra_repr(self) -> str:
        return f'in_channels={self.in_channels}'
