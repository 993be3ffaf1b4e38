"""A parameter-free head that turns backbone feature maps into video
descriptors for retrieval and kNN evaluation."""
from typing import Optional, Sequence, Tuple, Union

import torch
import torch.nn.functional as F
from mmaction.registry import MODELS
from mmaction.utils import SampleList
from mmengine.model import BaseModule

POOL_TYPES = ('max', 'avg')


@MODELS.register_module()
class RetrievalFeatureHead(BaseModule):
    """Pool the last feature map of the backbone into a flat descriptor and
    average it over the clips of each video.

    Used as the ``cls_head`` of a stock ``Recognizer3D`` in predict (test)
    mode: ``Recognizer3D`` runs the backbone on all ``num_clips`` clips of
    each video; this head pools each clip's ``C x T' x H' x W'`` map with
    adaptive pooling to ``output_size``, flattens it, averages the clips of
    a video (as MMAction2 heads average ``num_segs``) and stores the result
    in ``data_sample.retrieval_feat`` (a ``D``-dim float tensor) for
    :class:`mmstcr.evaluation.VideoRetrievalMetric` and
    :class:`mmstcr.evaluation.KNNAccuracy`. No L2 normalisation is done
    here: the metrics use cosine similarity.

    The retrieval protocol (docs/method.md, "Protocols") says "max-pooled
    (1, 2, 2) and flattened". This head reads it as adaptive max pooling of
    the map to ``1 x 2 x 2`` (``pool_type='max', output_size=(1, 2, 2)``,
    ``D = 4C``; 2048 for a 512-channel R3D-18/R(2+1)D/C3D map): the
    descriptor size then does not depend on the input size, and no border
    row is dropped, while a literal ``(1, 2, 2)`` pooling kernel on R3D-18's
    ``512 x 2 x 4 x 4`` map would give ``512 x 2 x 2 x 2`` (4096 values) and
    on C3D's ``7 x 7`` map would drop the last row and column. Global average
    pooling is ``pool_type='avg', output_size=(1, 1, 1)`` (``D = C``).

    The head has no parameters and no loss: it is for test-time feature
    extraction only.

    Args:
        pool_type (str): ``'max'`` or ``'avg'``. Defaults to ``'max'``.
        output_size (tuple[int]): ``(T, H, W)`` output size of the adaptive
            pooling. Defaults to ``(1, 2, 2)``.
        init_cfg (dict, optional): Unused (no parameters); kept for the
            ``BaseModule`` interface. Defaults to None.
    """

    def __init__(self,
                 pool_type: str = 'max',
                 output_size: Sequence[int] = (1, 2, 2),
                 init_cfg: Optional[dict] = None) -> None:
        super().__init__(init_cfg=init_cfg)
        if pool_type not in POOL_TYPES:
            raise ValueError(
                f'pool_type must be one of {POOL_TYPES}, got {pool_type!r}')
        output_size = tuple(output_size)
        if len(output_size) != 3 or not all(
                isinstance(s, int) and s > 0 for s in output_size):
            raise ValueError('output_size must be three positive ints '
                             f'(T, H, W), got {output_size!r}')
        self.pool_type = pool_type
        self.output_size = output_size

    def forward(self, x: Union[torch.Tensor, Tuple[torch.Tensor]],
                **kwargs) -> torch.Tensor:
        """Pool and flatten each clip's feature map.

        Args:
            x (torch.Tensor): ``N x C x T' x H' x W'`` backbone output (one
                row per clip).

        Returns:
            torch.Tensor: ``N x D`` descriptors, ``D = C * prod(output_size)``.
        """
        if not isinstance(x, torch.Tensor) or x.dim() != 5:
            got = (f'a {type(x).__name__}' if not isinstance(
                x, torch.Tensor) else f'shape {tuple(x.shape)}')
            raise TypeError(
                'RetrievalFeatureHead needs one N x C x T x H x W feature '
                f'map from the backbone, got {got} (a backbone with several '
                'out_indices returns a tuple: keep only the last stage)')
        if self.pool_type == 'max':
            x = F.adaptive_max_pool3d(x, self.output_size)
        else:
            x = F.adaptive_avg_pool3d(x, self.output_size)
        # N x C x t x h x w -> N x (C * t * h * w)
        return x.flatten(1)

    def predict(self, feats: torch.Tensor, data_samples: SampleList,
                **kwargs) -> SampleList:
        """Put each video's clip-averaged descriptor on its data sample.

        Args:
            feats (torch.Tensor): ``(B * num_clips) x C x T' x H' x W'``,
                the clips of each video consecutive (``Recognizer3D`` order).
            data_samples (list[ActionDataSample]): The ``B`` data samples.

        Returns:
            list[ActionDataSample]: The data samples, each with
            ``retrieval_feat`` (a ``D`` tensor).
        """
        descriptors = self(feats)  # (B * num_clips) x D
        num_videos = len(data_samples)
        if num_videos == 0 or descriptors.shape[0] % num_videos:
            raise ValueError(
                f'{descriptors.shape[0]} clips cannot be split evenly among '
                f'{num_videos} videos')
        num_clips = descriptors.shape[0] // num_videos
        # B x num_clips x D -> B x D
        descriptors = descriptors.view(num_videos, num_clips, -1).mean(dim=1)
        for data_sample, descriptor in zip(data_samples, descriptors):
            data_sample.retrieval_feat = descriptor
        return data_samples

    def loss(self, feats, data_samples, **kwargs):
        raise RuntimeError(
            'RetrievalFeatureHead has no loss: it extracts features at test '
            'time. Train with a classification head (e.g. I3DHead).')

    def __repr__(self) -> str:
        return (f'{self.__class__.__name__}(pool_type={self.pool_type!r}, '
                f'output_size={self.output_size})')
