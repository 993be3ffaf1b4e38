"""The STCR data preprocessor: MMAction2's, plus label-free batch
transforms on the two-view batch."""
from typing import List, Optional, Sequence, Tuple, Union

import torch
import torch.nn as nn
from mmaction.models import ActionDataPreprocessor
from mmaction.registry import MODELS
from mmaction.utils import SampleList


@MODELS.register_module()
class STCRDataPreprocessor(ActionDataPreprocessor):
    """``ActionDataPreprocessor`` followed, in training, by a list of batch
    transforms that need no labels.

    MMAction2's ``blending`` (MixUp, CutMix) mixes labels too, so it does not
    fit label-free pretraining. A batch transform here is a module built from
    the ``MODELS`` registry and called as::

        inputs, data_samples = transform(inputs, data_samples)

    on the normalised ``B x 2 x C x T x H x W`` batch (view 0 clean, view 1
    noise), in the order given. It records what it drew (partner index,
    ``lambda``, box, code) in each ``data_sample``'s metainfo. The affine
    normalisation commutes with convex blends, flips and rotations, so
    applying them here, after it, gives the same clips as in pixel space up
    to float rounding.

    With ``batch_transforms=None`` this is exactly
    ``ActionDataPreprocessor``. Batch transforms run only when
    ``training=True``.

    Args:
        batch_transforms (sequence[dict or nn.Module], optional): The batch
            transforms, in order. Defaults to None.
        **kwargs: ``ActionDataPreprocessor``'s arguments (``mean``, ``std``,
            ``to_rgb``, ``to_float32``, ``blending``, ``format_shape``).
    """

    def __init__(self,
                 batch_transforms: Optional[Sequence[Union[dict,
                                                           nn.Module]]] = None,
                 **kwargs) -> None:
        super().__init__(**kwargs)
        if batch_transforms is not None and not isinstance(
                batch_transforms, Sequence):
            raise TypeError('STCRDataPreprocessor: batch_transforms must be '
                            'a list of configs or modules; got '
                            f'{type(batch_transforms).__name__}')
        self.batch_transforms = nn.ModuleList([
            t if isinstance(t, nn.Module) else MODELS.build(t)
            for t in (batch_transforms or [])
        ])

    def preprocess(self,
                   inputs: List[torch.Tensor],
                   data_samples: SampleList,
                   training: bool = False) -> Tuple:
        batch_inputs, data_samples = super().preprocess(
            inputs, data_samples, training)
        if training:
            for transform in self.batch_transforms:
                batch_inputs, data_samples = transform(batch_inputs,
                                                       data_samples)
        return batch_inputs, data_samples
