"""Tuples of clips for temporal-order pretext tasks: Clip Order Prediction
(VCOP, Xu et al., CVPR 2019) and Shuffle & Learn (Misra et al., ECCV 2016),
the two tasks STCR regularises in the paper's Table 4."""
import itertools
from typing import Dict, List, Sequence, Tuple

import numpy as np
import torch
from mmcv.transforms import BaseTransform
from mmengine.dataset import Compose

from mmaction.registry import TRANSFORMS
from mmaction.structures import ActionDataSample
from .formatting import _set_gt_label


def clip_permutations(num_clips: int) -> List[Tuple[int, ...]]:
    """The permutations of ``range(num_clips)`` in lexicographic order; a
    permutation's index in it is its class (VCOP's target)."""
    return list(itertools.permutations(range(num_clips)))


def is_in_order(order: Sequence[int]) -> bool:
    """Shuffle & Learn's positive: played forwards or backwards."""
    order = tuple(order)
    forward = tuple(range(len(order)))
    return order in (forward, forward[::-1])


@TRANSFORMS.register_module()
class SampleClipTuple(BaseTransform):
    """Sample ``num_clips`` clips spaced in time and put them in a random
    order; replaces ``SampleFrames``.

    Clip ``n`` (temporal index ``n``) covers ``clip_len`` frames every
    ``frame_interval`` from ``s + n * (clip_len * frame_interval +
    clip_gap)``, ``s`` uniform over the video; a video shorter than the
    tuple starts at 0 and repeats its last frame. The clips are then
    concatenated in the drawn order: position ``j`` of the tuple holds clip
    ``clip_order[j]``. VCOP's defaults: 3 clips of 16 consecutive frames,
    8 frames apart.

    Order laws (``order_law``):

    - ``'uniform'`` (VCOP): ``clip_order`` uniform over the ``N!``
      permutations.
    - ``'verify'`` (Shuffle & Learn): with probability 1/2 a tuple in order,
      forwards or backwards (each 1/4; S&L counts both as positive), else a
      uniform draw among the other ``N! - 2`` permutations. For ``N = 3``
      these are exactly the tuples whose middle clip is not between the
      other two, S&L's negatives built from the tuple's own clips
      (docs/method.md, decision 12).

    Required Keys:

        - total_frames
        - start_index (optional, default 0)

    Added Keys:

        - frame_inds: ``num_clips * clip_len`` indices, tuple order.
        - clip_len, frame_interval, num_clips: as MMAction2's
          ``SampleFrames`` writes them (``num_clips`` is the tuple length).
        - clip_order: tuple of the temporal index at each position.
        - clip_order_label: index of ``clip_order`` in
          :func:`clip_permutations` (``[0, N!)``).
        - clip_in_order: 1 if the tuple is in order forwards or backwards,
          else 0.

    Args:
        clip_len (int): Frames per clip. Defaults to 16.
        frame_interval (int): Temporal stride within a clip. Defaults to 1.
        num_clips (int): Clips per tuple, 2 to 5. Defaults to 3.
        clip_gap (int): Frames between the end of a clip and the start of
            the next one (>= 0). Defaults to 8.
        order_law (str): ``'uniform'`` or ``'verify'``. Defaults to
            ``'uniform'``.
    """

    order_laws = ('uniform', 'verify')

    def __init__(self,
                 clip_len: int = 16,
                 frame_interval: int = 1,
                 num_clips: int = 3,
                 clip_gap: int = 8,
                 order_law: str = 'uniform') -> None:
        for name, value, low in (('clip_len', clip_len, 1),
                                 ('frame_interval', frame_interval, 1),
                                 ('clip_gap', clip_gap, 0)):
            if not isinstance(value, int) or isinstance(value, bool) \
                    or value < low:
                raise ValueError(f'SampleClipTuple: {name} must be an int '
                                 f'>= {low}; got {name}={value!r}')
        if not isinstance(num_clips, int) or not 2 <= num_clips <= 5:
            raise ValueError('SampleClipTuple: num_clips must be an int in '
                             f'[2, 5] (N! classes); got {num_clips!r}')
        if order_law not in self.order_laws:
            raise ValueError(f'SampleClipTuple: unknown order_law '
                             f'{order_law!r}; expected one of '
                             f'{self.order_laws}')
        if order_law == 'verify' and num_clips < 3:
            raise ValueError("SampleClipTuple: order_law='verify' needs "
                             f'num_clips >= 3; got {num_clips}')
        self.clip_len = clip_len
        self.frame_interval = frame_interval
        self.num_clips = num_clips
        self.clip_gap = clip_gap
        self.order_law = order_law
        self.permutations = clip_permutations(num_clips)

    @property
    def span(self) -> int:
        """Frames covered by one tuple."""
        stride = self.clip_len * self.frame_interval + self.clip_gap
        return (self.num_clips - 1) * stride + (
            (self.clip_len - 1) * self.frame_interval + 1)

    def clip_frames(self, start: int, total_frames: int) -> np.ndarray:
        """``num_clips x clip_len`` frame indices, in temporal order."""
        stride = self.clip_len * self.frame_interval + self.clip_gap
        inds = (start + stride * np.arange(self.num_clips)[:, None] +
                self.frame_interval * np.arange(self.clip_len)[None])
        return np.minimum(inds, total_frames - 1)

    def sample_order(self) -> Tuple[int, ...]:
        """Draw ``clip_order`` from the order law."""
        if self.order_law == 'uniform':
            return self.permutations[np.random.randint(len(self.permutations))]
        forward = tuple(range(self.num_clips))
        if np.random.rand() < 0.5:
            return forward if np.random.rand() < 0.5 else forward[::-1]
        negatives = [p for p in self.permutations if not is_in_order(p)]
        return negatives[np.random.randint(len(negatives))]

    def transform(self, results: Dict) -> Dict:
        """Sample the tuple's frame indices and its order.

        Args:
            results (dict): The result dict.

        Returns:
            dict: The result dict.
        """
        total = int(results['total_frames'])
        if total < 1:
            raise ValueError('SampleClipTuple: the video has no frame '
                             f"({results.get('filename')})")
        start = int(np.random.randint(max(total - self.span, 0) + 1))
        clips = self.clip_frames(start, total)  # N x clip_len, in time
        order = self.sample_order()
        results['frame_inds'] = (clips[list(order)].reshape(-1) +
                                 results.get('start_index', 0)).astype(int)
        results['clip_len'] = self.clip_len
        results['frame_interval'] = self.frame_interval
        results['num_clips'] = self.num_clips
        results['clip_order'] = tuple(int(i) for i in order)
        results['clip_order_label'] = self.permutations.index(tuple(order))
        results['clip_in_order'] = int(is_in_order(order))
        return results

    def __repr__(self) -> str:
        return (f'{self.__class__.__name__}(clip_len={self.clip_len}, '
                f'frame_interval={self.frame_interval}, '
                f'num_clips={self.num_clips}, clip_gap={self.clip_gap}, '
                f'order_law={self.order_law!r})')


@TRANSFORMS.register_module()
class PackClipTuple(BaseTransform):
    """Run STCR's two-view pipeline on each clip of a tuple and pack the
    tuple as ``2N x C x T x H x W``.

    ``results['imgs']`` holds the ``N * clip_len`` frames of the tuple, in
    tuple order (``SampleClipTuple``, a decoder, resizing). It is cut into
    ``N`` clips; ``clip_pipeline`` runs on each (its own crops, STT code and
    mixup) and must end with ``PackSTCRInputs``. The inputs are stacked
    clip by clip, ``[clip 0 clean, clip 0 noise, clip 1 clean, ...]``, so
    ``ActionDataPreprocessor(format_shape='NCTHW')`` makes a
    ``B x 2N x C x T x H x W`` batch, which ``ClipTupleSTCRRecognizer``
    reads as ``B * N`` two-view clips.

    Required Keys:

        - imgs: ``N * clip_len`` frames.
        - num_clips, clip_len (``SampleClipTuple``).
        - the ``meta_keys`` (optional).

    Added Keys:

        - inputs: float32 ``2N x C x T x H x W``.
        - data_samples: ``ActionDataSample`` whose metainfo holds the
          ``meta_keys`` of the tuple, ``num_clips`` and ``clip_metainfo``
          (one metainfo dict per clip, tuple order, each with its
          ``stt_code``).

    Args:
        clip_pipeline (list[dict]): Transforms run on each clip, ending with
            ``PackSTCRInputs``.
        meta_keys (sequence[str]): Tuple-level keys copied to the metainfo.
            Defaults to ``('clip_order', 'clip_order_label',
            'clip_in_order')``.
    """

    def __init__(self,
                 clip_pipeline: List[dict],
                 meta_keys: Sequence[str] = ('clip_order', 'clip_order_label',
                                             'clip_in_order')) -> None:
        if not clip_pipeline or clip_pipeline[-1].get(
                'type') != 'PackSTCRInputs':
            raise ValueError('PackClipTuple: clip_pipeline must end with '
                             "dict(type='PackSTCRInputs'); got "
                             f'{clip_pipeline!r}')
        self.clip_pipeline = list(clip_pipeline)
        self.meta_keys = tuple(meta_keys)
        self.compose = Compose(
            [TRANSFORMS.build(t) for t in self.clip_pipeline])

    def transform(self, results: Dict) -> Dict:
        """Pack the tuple.

        Args:
            results (dict): The result dict.

        Returns:
            dict: ``{'inputs': Tensor, 'data_samples': ActionDataSample}``.
        """
        num, length = results['num_clips'], results['clip_len']
        frames = results['imgs']
        if len(frames) != num * length:
            raise ValueError(
                f'PackClipTuple: {len(frames)} frames, expected num_clips x '
                f'clip_len = {num} x {length} ({results.get("filename")})')
        inputs, clip_meta = [], []
        for n in range(num):
            clip = dict(results, imgs=list(frames[n * length:(n + 1) *
                                                  length]))
            packed = self.compose(clip)
            inputs.append(packed['inputs'])  # 2 x C x T x H x W
            clip_meta.append(dict(packed['data_samples'].metainfo))
        data_sample = ActionDataSample()
        if 'label' in results:
            _set_gt_label(data_sample, results['label'])
        metainfo = {k: results[k] for k in self.meta_keys if k in results}
        metainfo.update(num_clips=num, clip_metainfo=tuple(clip_meta))
        data_sample.set_metainfo(metainfo)
        return dict(inputs=torch.cat(inputs), data_samples=data_sample)

    def __repr__(self) -> str:
        return (f'{self.__class__.__name__}('
                f'clip_pipeline={self.clip_pipeline!r}, '
                f'meta_keys={self.meta_keys!r})')
