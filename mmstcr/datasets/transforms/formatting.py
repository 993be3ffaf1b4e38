"""Pack STCR's two views and their transform codes for the model."""
from typing import Dict, Sequence

import numpy as np
import torch
from mmcv.transforms import BaseTransform

from mmaction.registry import TRANSFORMS
from mmaction.structures import ActionDataSample
from mmstcr.structures import check_code
from .buffer_pool import TWO_VIEW_BUFFERS
from .clip_utils import get_frames, video_name, write_frames

#: The STT code of the identity, stored when no STT ran.
IDENTITY_STT_CODE = (0, 0)


@TRANSFORMS.register_module()
class PackSTCRInputs(BaseTransform):
    """Pack the clean and the noise view into one ``2 x C x T x H x W``
    tensor, and the per-sample codes into an ``ActionDataSample``.

    ``inputs[0]`` is the clean view (``results['imgs']``), ``inputs[1]`` the
    noise view (``results[noise_key]``), both ``C x T x H x W``. This
    is the ``NCTHW`` layout with two "clips" per sample, so MMAction2's
    ``ActionDataPreprocessor(format_shape='NCTHW')`` normalises both views and
    stacks a batch to ``B x 2 x C x T x H x W``.

    Both views are written once, as uint8 if both views are uint8 (no mixup,
    or ``IntraVideoMixup``'s default rounded blend) and as float32
    otherwise, into one buffer of
    ``2 x T x H x W x C`` (the frames' own layout, so the writes are
    sequential); ``inputs`` is that buffer permuted to ``2 x C x T x H x W``,
    a view with non-contiguous strides, as MMAction2's ``FormatShape`` +
    ``PackActionInputs`` leave theirs. The batch stack of the data
    preprocessor makes it contiguous (it copies anyway). This write is the
    one copy of the clean view after ``Resize`` on the STCR path: the crops
    and the STT before it are views (``IntraVideoMixup``'s blend is the
    noise view's other write). Every pack takes a buffer of its own from
    ``buffer_pool.TWO_VIEW_BUFFERS``.

    The meta keys present in ``results`` go to ``data_sample.metainfo``.
    ``stt_code`` is the contract with the model (it inverts the noise
    features with it), so it must be one of ``meta_keys`` and is always
    stored: when no ``SpatioTemporalTransform`` ran (e.g. the "IM only"
    ablation of Table 2) the identity code ``(0, 0)`` is stored. A label in
    ``results['label']`` is kept as the ground truth label, as
    ``PackActionInputs`` does; pretraining ignores it.

    Required Keys:

        - imgs: the clean view, ``T`` frames ``H x W x C``.
        - <noise_key>: the noise view, ``T`` frames ``H x W x C``.
        - stt_code (optional): ``(z1, z2)``; ``(0, 0)`` if absent.
        - label (optional).
        - the other ``meta_keys`` (optional).

    Added Keys:

        - inputs: uint8 (or float32, see above) ``torch.Tensor``,
          ``2 x C x T x H x W``.
        - data_samples: ``ActionDataSample`` with the meta keys.

    Args:
        meta_keys (Sequence[str]): Keys copied to ``data_sample.metainfo``
            when present; must contain ``'stt_code'``. Defaults to
            ``('img_shape', 'stt_code', 'mixup_lambda', 'mixup_frame',
            'crop_bbox', 'noise_crop_bbox')``.
        noise_key (str): Key of the noise view. Defaults to
            ``'noise_imgs'``.
    """

    def __init__(self,
                 meta_keys: Sequence[str] = ('img_shape', 'stt_code',
                                             'mixup_lambda', 'mixup_frame',
                                             'crop_bbox', 'noise_crop_bbox'),
                 noise_key: str = 'noise_imgs') -> None:
        if (isinstance(meta_keys, str) or not isinstance(meta_keys, Sequence)
                or not all(isinstance(k, str) for k in meta_keys)):
            raise ValueError('PackSTCRInputs: meta_keys must be a list or '
                             f'tuple of str; got {meta_keys!r}')
        if 'stt_code' not in meta_keys:
            raise ValueError(
                "PackSTCRInputs: meta_keys must contain 'stt_code' (the model "
                f'inverts the noise view with it); got {tuple(meta_keys)!r}')
        if not isinstance(noise_key, str) or not noise_key \
                or noise_key == 'imgs':
            raise ValueError(
                'PackSTCRInputs: noise_key must be a non-empty str other '
                f"than 'imgs' (the clean view); got {noise_key!r}")
        self.meta_keys = tuple(meta_keys)
        self.noise_key = noise_key

    def transform(self, results: Dict) -> Dict:
        """Pack the two views and the metainfo.

        Args:
            results (dict): The result dict.

        Returns:
            dict: ``{'inputs': Tensor, 'data_samples': ActionDataSample}``.
        """
        clean = get_frames(results, 'imgs', 'PackSTCRInputs')
        noise = get_frames(results, self.noise_key, 'PackSTCRInputs')
        shape = (len(clean), ) + clean[0].shape  # T x H x W x C
        if shape != (len(noise), ) + noise[0].shape:
            raise ValueError(
                f'PackSTCRInputs: the clean view (T x H x W x C = '
                f'{shape}) and the noise view results'
                f'[{self.noise_key!r}] '
                f'({(len(noise), ) + noise[0].shape}) differ in shape'
                f'{video_name(results)}')
        # uint8 views stay uint8, as PackActionInputs leaves them: 4x fewer
        # bytes to the device; the data preprocessor makes them float
        dtype = (np.uint8 if clean[0].dtype == np.uint8
                 and noise[0].dtype == np.uint8 else np.float32)
        buffer = TWO_VIEW_BUFFERS.take((2, ) + shape, dtype)
        write_frames(buffer[0], clean)  # 2 x T x H x W x C
        write_frames(buffer[1], noise)
        # 2 x C x T x H x W (a permuted view of the buffer)
        inputs = torch.from_numpy(buffer).permute(0, 4, 1, 2, 3)

        data_sample = ActionDataSample()
        if 'label' in results:
            _set_gt_label(data_sample, results['label'])
        metainfo = {k: results[k] for k in self.meta_keys if k in results}
        try:
            metainfo['stt_code'] = check_code(
                metainfo.get('stt_code', IDENTITY_STT_CODE))
        except (TypeError, ValueError) as exc:
            raise ValueError(f"PackSTCRInputs: bad results['stt_code']"
                             f'{video_name(results)}: {exc}') from None
        data_sample.set_metainfo(metainfo)
        return {
            'inputs': inputs,
            'data_samples': data_sample
        }

    def __repr__(self) -> str:
        return (f'{self.__class__.__name__}(meta_keys={self.meta_keys!r}, '
                f'noise_key={self.noise_key!r})')


def _set_gt_label(data_sample: ActionDataSample, label) -> None:
    """Set the label with the API of the installed MMAction2:
    ``set_gt_label`` (1.2) or ``set_gt_labels`` (1.1)."""
    if hasattr(data_sample, 'set_gt_label'):
        data_sample.set_gt_label(label)
    else:
        data_sample.set_gt_labels(label)
