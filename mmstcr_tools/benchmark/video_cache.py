"""Decode a dataset in UCF101's layout once into a cached grey uint8 array,
and split it for the benchmark.

Layout read (split 1)::

    <root>/UCF-101/<Class>/<video>          any format OpenCV or decord reads
    <root>/ucfTrainTestlist/classInd.txt    "1 <Class>"
    <root>/ucfTrainTestlist/trainlist01.txt "<Class>/<video> <label>"
    <root>/ucfTrainTestlist/testlist01.txt  "<Class>/<video>"

Every video becomes ``num_frames`` grey frames of ``size x size``: frames
are converted to grey (the mean of the channels), resized if needed
(area interpolation), and the centre ``num_frames`` frames are kept (a
shorter video repeats its last frame). The cache is one ``.npy`` file of
``N x T x H x W`` uint8 and one ``.json`` file of names, labels and
groups, keyed by the list files' content and the decoding settings, so a
changed tree is decoded afresh.
"""
import hashlib
import json
import os
import os.path as osp
import re
import time
from dataclasses import dataclass
from typing import Callable, Dict, List, Optional, Sequence

import cv2
import numpy as np

LIST_DIR = 'ucfTrainTestlist'
VIDEO_DIR = 'UCF-101'
_GROUP = re.compile(r'_g(\d+)_c\d+')


@dataclass
class VideoCache:
    """A decoded dataset: ``array_file`` holds ``N x T x H x W`` uint8;
    row ``i`` is ``names[i]`` with class ``labels[i]`` (0-based) and group
    ``groups[i]``. ``pool`` and ``test`` are the rows of trainlist01 and
    testlist01."""
    array_file: str
    names: List[str]
    labels: List[int]
    groups: List[int]
    classes: List[str]
    pool: List[int]
    test: List[int]
    decode_seconds: float = 0.

    @property
    def num_classes(self) -> int:
        return len(self.classes)

    def load(self) -> np.ndarray:
        return np.load(self.array_file, mmap_mode='r')


def _read_lists(root: str):
    lists = osp.join(root, LIST_DIR)
    for fname in ('classInd.txt', 'trainlist01.txt', 'testlist01.txt'):
        if not osp.isfile(osp.join(lists, fname)):
            raise FileNotFoundError(
                f'{osp.join(lists, fname)} not found: --data-root must be a '
                "tree in UCF101's layout (UCF-101/<Class>/<video> and "
                'ucfTrainTestlist/{classInd,trainlist01,testlist01}.txt)')
    classes = {}
    with open(osp.join(lists, 'classInd.txt')) as f:
        for line in f:
            if line.strip():
                index, name = line.split()
                classes[name] = int(index) - 1
    entries = {}
    for split, fname in (('pool', 'trainlist01.txt'),
                         ('test', 'testlist01.txt')):
        with open(osp.join(lists, fname)) as f:
            entries[split] = [
                line.split()[0].replace('\\', '/') for line in f
                if line.strip()
            ]
    return classes, entries


def group_of(name: str) -> int:
    """UCF101's group number ``gXX`` of a video name (0 if none)."""
    match = _GROUP.search(osp.basename(name))
    return int(match.group(1)) if match else 0


def _read_frames(path: str) -> np.ndarray:
    """All frames of a video, ``T x H x W x C`` uint8: OpenCV (3x faster
    than decord on small files), decord if OpenCV reads nothing."""
    cap = cv2.VideoCapture(path)
    frames = []
    while True:
        ok, frame = cap.read()
        if not ok:
            break
        frames.append(frame)
    cap.release()
    if frames:
        return np.stack(frames)
    import decord
    reader = decord.VideoReader(path)
    if len(reader) < 1:
        raise ValueError(f'{path}: no frames')
    return reader.get_batch(list(range(len(reader)))).asnumpy()


def decode_video(path: str, size: int, num_frames: int) -> np.ndarray:
    """One video -> ``num_frames x size x size`` uint8 grey frames (the
    centre ``num_frames`` frames; the last repeated if the video is
    shorter)."""
    frames = _read_frames(path)
    total = len(frames)
    start = max(0, (total - num_frames) // 2)
    inds = np.minimum(np.arange(start, start + num_frames), total - 1)
    frames = frames[inds]
    grey = frames.mean(axis=-1) if frames.ndim == 4 else frames
    if grey.shape[1:] != (size, size):
        grey = np.stack([
            cv2.resize(g.astype(np.float32), (size, size),
                       interpolation=cv2.INTER_AREA) for g in grey
        ])
    return np.clip(np.rint(grey), 0, 255).astype(np.uint8)


def _cache_key(root: str, size: int, num_frames: int) -> str:
    digest = hashlib.sha1(f'{size}-{num_frames}'.encode())
    for fname in ('classInd.txt', 'trainlist01.txt', 'testlist01.txt'):
        with open(osp.join(root, LIST_DIR, fname), 'rb') as f:
            digest.update(f.read())
    digest.update(osp.abspath(root).encode())
    return digest.hexdigest()[:12]


def load_video_cache(root: str,
                     cache_dir: str,
                     size: int = 40,
                     num_frames: int = 32,
                     progress: Optional[Callable[[int, int], None]] = None
                     ) -> VideoCache:
    """Decode ``root`` (or reuse the cache in ``cache_dir``)."""
    classes, entries = _read_lists(root)
    key = _cache_key(root, size, num_frames)
    os.makedirs(cache_dir, exist_ok=True)
    array_file = osp.join(cache_dir, f'videos_{key}.npy')
    meta_file = osp.join(cache_dir, f'videos_{key}.json')
    if osp.isfile(array_file) and osp.isfile(meta_file):
        with open(meta_file) as f:
            meta = json.load(f)
        return VideoCache(array_file=array_file, **meta)
    names = entries['pool'] + entries['test']
    start = time.perf_counter()
    array = np.empty((len(names), num_frames, size, size), np.uint8)
    labels = []
    for i, name in enumerate(names):
        cls = name.split('/')[0]
        if cls not in classes:
            raise ValueError(f'{name}: class {cls!r} is not in classInd.txt')
        labels.append(classes[cls])
        array[i] = decode_video(
            osp.join(root, VIDEO_DIR, name), size, num_frames)
        if progress is not None:
            progress(i + 1, len(names))
    tmp = array_file + '.tmp.npy'
    np.save(tmp, array)
    os.replace(tmp, array_file)
    meta = dict(
        names=names,
        labels=labels,
        groups=[group_of(n) for n in names],
        classes=sorted(classes, key=classes.get),
        pool=list(range(len(entries['pool']))),
        test=list(range(len(entries['pool']), len(names))),
        decode_seconds=time.perf_counter() - start)
    with open(meta_file, 'w') as f:
        json.dump(meta, f)
    return VideoCache(array_file=array_file, **meta)


@dataclass
class Splits:
    """Row indices of one seed's splits.

    ``unlabelled``: the pretraining pool (the pool minus validation);
    ``labelled``: ``per_class`` videos of each class drawn from it by the
    seed; ``val``: the pool's videos of the validation groups (for the
    search only); ``test``: the test list."""
    unlabelled: List[int]
    labelled: List[int]
    val: List[int]
    test: List[int]


def validation_groups(cache: VideoCache, fraction: float) -> List[int]:
    """The pool's groups, lowest numbers first, that hold about
    ``fraction`` of the pool (at least one group)."""
    pool_groups = sorted({cache.groups[i] for i in cache.pool})
    counts = {g: 0 for g in pool_groups}
    for i in cache.pool:
        counts[cache.groups[i]] += 1
    chosen, total = [], 0
    for g in pool_groups:
        if chosen and total >= fraction * len(cache.pool):
            break
        chosen.append(g)
        total += counts[g]
    if len(chosen) == len(pool_groups):
        raise ValueError('the pool has too few groups to carve a validation '
                         f'split of {fraction:.0%} from it')
    return chosen


def make_splits(cache: VideoCache, seed: int, per_class: int,
                val_fraction: float) -> Splits:
    """The splits of one seed (the validation groups do not depend on
    it)."""
    val_groups = set(validation_groups(cache, val_fraction))
    val = [i for i in cache.pool if cache.groups[i] in val_groups]
    unlabelled = [i for i in cache.pool if cache.groups[i] not in val_groups]
    rng = np.random.default_rng([seed, 20])
    labelled = []
    for c in range(cache.num_classes):
        rows = [i for i in unlabelled if cache.labels[i] == c]
        if len(rows) < per_class:
            raise ValueError(f'class {cache.classes[c]} has {len(rows)} '
                             f'videos in the pool, fewer than {per_class}')
        labelled += sorted(rng.choice(rows, per_class, replace=False).tolist())
    return Splits(unlabelled, labelled, val, list(cache.test))


def subset_labels(cache: VideoCache, rows: Sequence[int]) -> Dict[int, int]:
    return {i: cache.labels[i] for i in rows}
