"""A dataset of videos held in one ``N x T x H x W`` uint8 array (the
benchmark's decoded cache), and the transform that reads its frames.

Its pipelines are the video pipelines with ``VideoArrayDecode`` in place of
``DecordInit`` + ``DecordDecode``: the frame samplers before it and the
crops, STT, mixup and packing after it are the registered transforms that
video files go through. A benchmark config loads this module through
``custom_imports``.
"""
from typing import Callable, Dict, List, Optional, Sequence, Union

import numpy as np
from mmaction.registry import DATASETS, TRANSFORMS
from mmcv.transforms import BaseTransform
from mmengine.dataset import BaseDataset

_ARRAYS: Dict[str, np.ndarray] = {}


def open_array(path: str) -> np.ndarray:
    """The array in ``path`` (``.npy``), memory-mapped once per process."""
    array = _ARRAYS.get(path)
    if array is None:
        array = _ARRAYS[path] = np.load(path, mmap_mode='r')
        if array.ndim != 4 or array.dtype != np.uint8:
            raise ValueError(f'{path}: expected N x T x H x W uint8 videos, '
                             f'got {array.dtype} {array.shape}')
    return array


@DATASETS.register_module()
class ArrayVideoDataset(BaseDataset):
    """Videos as rows of an ``N x T x H x W`` uint8 array (grey frames).

    Each item is ``dict(array_file, array_index, label, total_frames,
    modality='RGB',
    start_index=0, filename)``: what ``SampleFrames`` needs, and what
    :class:`VideoArrayDecode` reads the frames with.

    Args:
        array_file (str): The ``.npy`` file.
        rows (Sequence[int]): The rows of this dataset, in order.
        labels (Sequence[int], optional): One class per row; -1 if None.
        names (Sequence[str], optional): One name per row, for messages.
        pipeline (list): Transforms.
        test_mode (bool): Defaults to False.
    """

    def __init__(self,
                 array_file: str,
                 rows: Sequence[int],
                 pipeline: List[Union[dict, Callable]],
                 labels: Optional[Sequence[int]] = None,
                 names: Optional[Sequence[str]] = None,
                 test_mode: bool = False,
                 **kwargs) -> None:
        rows = [int(r) for r in rows]
        for key, value in (('labels', labels), ('names', names)):
            if value is not None and len(value) != len(rows):
                raise ValueError(f'ArrayVideoDataset: {len(value)} {key} '
                                 f'for {len(rows)} rows')
        self.array_file = array_file
        self.rows = rows
        self.labels = None if labels is None else [int(v) for v in labels]
        self.names = None if names is None else list(names)
        super().__init__(
            ann_file='', pipeline=pipeline, test_mode=test_mode, **kwargs)

    def load_data_list(self) -> List[dict]:
        array = open_array(self.array_file)
        bad = [r for r in self.rows if not 0 <= r < len(array)]
        if bad:
            raise IndexError(f'ArrayVideoDataset: rows {bad[:5]} out of '
                             f'range for {len(array)} videos')
        return [
            dict(
                array_file=self.array_file,
                array_index=row,
                label=-1 if self.labels is None else self.labels[i],
                total_frames=int(array.shape[1]),
                start_index=0,
                modality='RGB',
                filename=(self.names[i] if self.names is not None else
                          f'{self.array_file}[{row}]'))
            for i, row in enumerate(self.rows)
        ]


@TRANSFORMS.register_module()
class VideoArrayDecode(BaseTransform):
    """Read the frames ``frame_inds`` of video ``array_index`` of
    ``array_file``: the in-memory ``DecordDecode``.

    Required Keys:

        - array_file, array_index
        - frame_inds

    Added Keys:

        - imgs: a list of ``T`` frames ``H x W x 1`` uint8 (each its own
          memory, as DecordDecode's).
        - original_shape, img_shape: ``(H, W)``.
    """

    def transform(self, results: Dict) -> Dict:
        video = open_array(results['array_file'])[results['array_index']]
        inds = np.asarray(results['frame_inds']).reshape(-1)
        frames = np.ascontiguousarray(video[inds])[..., None]  # T x H x W x 1
        results['imgs'] = list(frames)
        results['original_shape'] = frames.shape[1:3]
        results['img_shape'] = frames.shape[1:3]
        return results
