"""A pretext task alone: the rows of Table 4 without STCR."""
from typing import Dict, List, Optional, Sequence, Union

import torch
from mmaction.registry import MODELS
from mmaction.utils import SampleList

from .base_pretrainer import BaseVideoPretrainer, ModuleOrCfg
from .collapse_signal import collapse_signal
from .stcr_recognizer import spatial_max_pool


@MODELS.register_module()
class PretextRecognizer(BaseVideoPretrainer):
    """Pretext heads on the clean clips only: the control a "pretext +
    STCR" config is paired against (docs/method.md, decision 13).

    It reads the inputs of the STCR recognizers, so that the "alone" and
    "plus STCR" configs share their data: ``B x 2 x C x T x H x W``
    two-view clips or ``B x 2N x ...`` tuples (:class:`ClipTupleSTCR
    Recognizer`). The noise views are not run through the backbone, so they
    never reach the batch-norm statistics. The heads get the clean maps,
    ``B x C' x T' x H' x W'`` (``B x N x ...`` for tuples), with
    ``feats_noise=None``; the collapse signals are logged as by STCR.

    Args:
        backbone (dict or nn.Module): Returns one map before pooling.
        pretext_head (dict, nn.Module or list): At least one head.
        probe_stages (sequence[str], optional): As
            :class:`STCRRecognizer`'s.
        data_preprocessor (dict or nn.Module, optional): Defaults to
            ``STCRDataPreprocessor``.
        init_cfg (dict or list[dict], optional): Defaults to None.
    """

    def __init__(self,
                 backbone: ModuleOrCfg,
                 pretext_head: Union[ModuleOrCfg, List[ModuleOrCfg]],
                 probe_stages: Optional[Sequence[str]] = None,
                 data_preprocessor: Optional[ModuleOrCfg] = None,
                 init_cfg: Optional[Union[dict, List[dict]]] = None) -> None:
        if not pretext_head:
            raise ValueError(f'{type(self).__name__} needs a pretext_head; '
                             f'got {pretext_head!r}')
        super().__init__(backbone, data_preprocessor, init_cfg)
        self._init_pretext(pretext_head, probe_stages)

    def loss(self, inputs: torch.Tensor, data_samples: SampleList,
             **kwargs) -> Dict[str, torch.Tensor]:
        """The pretext heads' losses on the clean clips, and the collapse
        signals."""
        self._check_inputs(inputs, tuples=True)
        clips = inputs
        if inputs.size(1) > 2:  # B*N x 2 x C x T x H x W
            clips, _ = self._unfold_tuples(inputs, data_samples)
        self.stage_probe.clear()
        f_c = self._backbone_map(clips[:, 0])  # M x C' x T' x H' x W'
        losses = dict(collapse_signal(spatial_max_pool(f_c)),
                      **self.stage_probe.signals(None))
        if inputs.size(1) > 2:  # B x N x C' x T' x H' x W'
            f_c = f_c.unflatten(0, (inputs.size(0), -1))
        return self.pretext_losses(losses, f_c, None, data_samples)
