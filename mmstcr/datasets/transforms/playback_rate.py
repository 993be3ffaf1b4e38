"""Sample a clip at a playback rate drawn per clip: the input of the pace
(playback-rate) pretext task (Wang, Jiao & Liu, *Self-supervised Video
Representation Learning by Pace Prediction*, ECCV 2020; Yao et al.,
*Video Playback Rate Perception*, CVPR 2020)."""
from typing import Dict, Sequence

import numpy as np
from mmcv.transforms import BaseTransform

from mmaction.registry import TRANSFORMS


@TRANSFORMS.register_module()
class SampleFramesAtRandomRate(BaseTransform):
    """MMAction2's ``SampleFrames`` (one clip) with a frame interval drawn
    per clip from ``rates``; replaces ``SampleFrames`` in a pretraining
    pipeline.

    Rate ``r`` plays the video ``r`` times faster: the clip takes every
    ``base_interval * r``-th frame. Only the rates whose clip fits in the
    video (``(clip_len - 1) * base_interval * r + 1 <= total_frames``) are
    drawn, uniformly, so a label never comes from a clip that wrapped round
    or repeated frames; a video too short for every rate gets the smallest
    one, repeating its last frame, and ``pace_clipped = True``. The start is
    uniform over the positions where the clip fits.

    Required Keys:

        - total_frames
        - start_index (optional, default 0)

    Added Keys:

        - frame_inds: ``clip_len`` indices.
        - clip_len, frame_interval, num_clips (1): as ``SampleFrames``
          writes them (``frame_interval`` is the drawn one).
        - playback_rate: the drawn ``r``.
        - pace_label: its index in ``rates`` (the pace head's target).
        - pace_clipped: True if no rate fitted the video.

    Args:
        clip_len (int): Frames per clip. Defaults to 16.
        rates (Sequence[int]): Distinct positive speed-ups, sorted
            ascending. Defaults to (1, 2).
        base_interval (int): Frame interval of rate 1. Defaults to 1.
    """

    def __init__(self,
                 clip_len: int = 16,
                 rates: Sequence[int] = (1, 2),
                 base_interval: int = 1) -> None:
        if not isinstance(clip_len, int) or clip_len < 1:
            raise ValueError('SampleFramesAtRandomRate: clip_len must be a '
                             f'positive int, got {clip_len!r}')
        rates = tuple(rates)
        if (len(rates) < 2 or not all(
                isinstance(r, int) and r > 0 for r in rates)
                or list(rates) != sorted(set(rates))):
            raise ValueError(
                'SampleFramesAtRandomRate: rates must be at least two '
                f'distinct positive ints in ascending order, got {rates!r}')
        if not isinstance(base_interval, int) or base_interval < 1:
            raise ValueError('SampleFramesAtRandomRate: base_interval must be '
                             f'a positive int, got {base_interval!r}')
        self.clip_len = clip_len
        self.rates = rates
        self.base_interval = base_interval

    def span(self, rate: int) -> int:
        """Frames a clip at ``rate`` covers, first to last inclusive."""
        return (self.clip_len - 1) * self.base_interval * rate + 1

    def sample_rate(self, total_frames: int) -> tuple:
        """``(rate index, clipped)`` drawn for a video of ``total_frames``."""
        fitting = [
            i for i, r in enumerate(self.rates)
            if self.span(r) <= total_frames
        ]
        if not fitting:
            return 0, True
        return int(fitting[np.random.randint(len(fitting))]), False

    def transform(self, results: Dict) -> Dict:
        total = int(results['total_frames'])
        if total < 1:
            raise ValueError('SampleFramesAtRandomRate: the video has '
                             f'total_frames={total}')
        index, clipped = self.sample_rate(total)
        rate = self.rates[index]
        interval = self.base_interval * rate
        start = np.random.randint(max(total - self.span(rate), 0) + 1)
        inds = start + np.arange(self.clip_len) * interval
        # a video shorter than every rate: repeat its last frame
        inds = np.minimum(inds, total - 1)
        results['frame_inds'] = (inds + results.get('start_index', 0)).astype(
            np.int64)
        results.update(
            clip_len=self.clip_len,
            frame_interval=interval,
            num_clips=1,
            playback_rate=rate,
            pace_label=index,
            pace_clipped=clipped)
        return results

    def __repr__(self) -> str:
        return (f'{self.__class__.__name__}(clip_len={self.clip_len}, '
                f'rates={self.rates}, base_interval={self.base_interval})')
