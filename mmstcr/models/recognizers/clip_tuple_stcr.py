"""STCR on tuples of clips, for temporal-order pretext tasks (Table 4)."""
from typing import Dict

import torch
from mmaction.registry import MODELS
from mmaction.utils import SampleList

from .stcr_recognizer import STCRRecognizer


@MODELS.register_module()
class ClipTupleSTCRRecognizer(STCRRecognizer):
    """:class:`STCRRecognizer` on ``B x 2N x C x T x H x W`` tuples of ``N``
    two-view clips from one video (``PackClipTuple``: clip ``n``'s clean
    view at ``2n``, its noise view at ``2n + 1``; each data sample's
    ``metainfo['clip_metainfo']`` holds the clips' metainfo, each with its
    ``stt_code``).

    Every clip gets the consistency losses; the pretext heads (clip order,
    Shuffle & Learn, InfoNCE between clips) get the maps grouped per video,
    ``B x N x C' x T' x H' x W'`` in tuple order, and the ``B`` video-level
    data samples (docs/method.md, decisions 12, 13 and 18). ``B x 2 x ...``
    batches are one-clip batches, as in :class:`STCRRecognizer`.
    """

    def loss(self, inputs: torch.Tensor, data_samples: SampleList,
             **kwargs) -> Dict[str, torch.Tensor]:
        """The consistency losses of every clip, and the pretext heads'
        losses of the tuples."""
        self._check_inputs(inputs, tuples=True)
        if inputs.size(1) == 2:
            return super().loss(inputs, data_samples)
        clips, clip_samples = self._unfold_tuples(inputs, data_samples)
        f_c, f_n, losses = self.consistency_losses(clips, clip_samples)
        # B*N x C' x T' x H' x W' -> B x N x C' x T' x H' x W'
        f_c = f_c.unflatten(0, (inputs.size(0), -1))
        f_n = f_n.unflatten(0, (inputs.size(0), -1))
        return self.pretext_losses(losses, f_c, f_n, data_samples)
