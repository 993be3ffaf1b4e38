"""Side-by-side speed and memory of STCR against MMAction2's own pipeline and
``Recognizer3D`` (``tools/analysis/benchmark_stcr.py``; method in
docs/performance.md).

Every figure is a ratio of two things measured in the same run, interleaved
(A, B, A, B, ...), so that a change of load on a shared machine hits both.
Each table row gives the median and the min-max over repeats.
"""
import ctypes
import gc
import json
import math
import os
import os.path as osp
import statistics
import subprocess
import sys
import time
from typing import Dict, List, Sequence

import numpy as np

ARCHS = ('c3d', 'r3d', 'r2plus1d', 'i3d')

MMACTION_PIPELINE = [
    dict(type='DecordInit'),
    dict(type='SampleFrames', clip_len=16, frame_interval=4, num_clips=1),
    dict(type='DecordDecode'),
    dict(type='Resize', scale=(-1, 128)),
    dict(type='RandomCrop', size=112),
    dict(type='Flip', flip_ratio=0.5),
    dict(type='FormatShape', input_format='NCTHW'),
    dict(type='PackActionInputs'),
]
STCR_PIPELINE = [
    dict(type='DecordInit'),
    dict(type='SampleFrames', clip_len=16, frame_interval=4, num_clips=1),
    dict(type='DecordDecode'),
    dict(type='Resize', scale=(-1, 128)),
    dict(type='TwoViewRandomCrop', size=112),
    dict(type='SpatioTemporalTransform'),
    dict(type='IntraVideoMixup', alpha=1.0, lambda_law='beta'),
    dict(type='PackSTCRInputs'),
]
#: step name of each transform, for the split by step
STEP_OF = dict(DecordInit='decode', SampleFrames='decode',
               DecordDecode='decode', Resize='resize', RandomCrop='crops',
               TwoViewRandomCrop='crops', Flip='flip/STT',
               SpatioTemporalTransform='flip/STT', IntraVideoMixup='mixup',
               FormatShape='pack', PackActionInputs='pack',
               PackSTCRInputs='pack')
STEPS = ('decode', 'resize', 'crops', 'flip/STT', 'mixup', 'pack')
#: the steps after the resize, whose work is per pixel of the output views
OWN_STEPS = ('crops', 'flip/STT', 'mixup', 'pack')

#: default videos: (name, height, width, frames); UCF101 is 320x240, 25 fps
DEFAULT_VIDEOS = (('ucf-like_320x240', 240, 320, 100),
                  ('ucf-like_320x240_b', 240, 320, 150),
                  ('qcif_176x144', 144, 176, 100))


def spread(values: Sequence[float]) -> Dict[str, float]:
    return dict(min=min(values), median=statistics.median(values),
                max=max(values))


def geomean(values: Sequence[float]) -> float:
    return math.exp(sum(math.log(v) for v in values) / len(values))


def _scope():
    from mmengine.registry import init_default_scope

    import mmstcr  # noqa: F401  (registers the transforms and models)
    init_default_scope('mmaction')


# --------------------------------------------------------------- videos
def make_videos(out_dir: str, specs=DEFAULT_VIDEOS, seed: int = 0
                ) -> List[str]:
    """Write synthetic textured motion videos (mp4v, decord reads them)."""
    from mmstcr_tools.preparation.video_io import write_video
    from mmstcr_tools.motion_dataset import (MOTION_CLASSES,
                                             render_motion_video)
    os.makedirs(out_dir, exist_ok=True)
    paths = []
    for i, (name, height, width, frames) in enumerate(specs):
        path = osp.join(out_dir, f'{name}.mp4')
        if not osp.isfile(path):
            clip, _ = render_motion_video(
                np.random.default_rng(seed + i),
                MOTION_CLASSES[i % len(MOTION_CLASSES)], num_frames=frames,
                height=height, width=width)
            write_video(path, clip, fourcc='mp4v')
        paths.append(path)
    return paths


def list_videos(folder: str) -> List[str]:
    exts = ('.mp4', '.avi', '.mkv', '.webm', '.mov')
    return sorted(
        osp.join(folder, f) for f in os.listdir(folder)
        if f.lower().endswith(exts))


# ------------------------------------------------------------- pipeline
def _with(pipeline, clip_len=None, crop=None):
    out = []
    for step in pipeline:
        step = dict(step)
        if clip_len and step['type'] == 'SampleFrames':
            step['clip_len'] = clip_len
        if crop and step['type'] in ('RandomCrop', 'TwoViewRandomCrop'):
            step['size'] = crop
        out.append(step)
    return out


def _timed_run(transforms, path: str, seed: int):
    """One clip through ``transforms`` from NumPy seed ``seed``; returns
    the seconds per step (and their total) and the decoded frame
    indices."""
    np.random.seed(seed)
    results = dict(filename=path, start_index=0, modality='RGB')
    steps = dict.fromkeys(STEPS, 0.0)
    frames = None
    for transform in transforms:
        start = time.perf_counter()
        results = transform(results)
        steps[STEP_OF[type(transform).__name__]] += \
            time.perf_counter() - start
        if frames is None and 'frame_inds' in results:
            frames = np.array(results['frame_inds'])
    steps['total'] = sum(steps.values())
    return steps, frames


def _paired_round(stcr, mma, path: str, seed: int, stcr_first: bool):
    """Both pipelines on the same clip of ``path``: each starts from NumPy
    seed ``seed``, so ``SampleFrames`` (their first draw) picks the same
    frames, and the decode, which depends on where the clip lies between
    key frames, is the same work; ``stcr_first`` sets the order."""
    order = (stcr, mma) if stcr_first else (mma, stcr)
    (a, fa), (b, fb) = (_timed_run(t, path, seed) for t in order)
    same = fa is not None and fb is not None and np.array_equal(fa, fb)
    return (a, b, same) if stcr_first else (b, a, same)


def pipeline_table(videos: Sequence[str], repeats: int, clip_len=None,
                   crop=None) -> Dict:
    """Per video, per-clip time of the STCR and the MMAction2 pipeline,
    interleaved clip by clip and paired (the same frames for both, the
    order alternating by round); per-video medians, their ratio, geomean.
    ``frames_paired`` is the fraction of rounds in which both pipelines
    decoded the same frame indices (1.0 unless a pipeline's sampler
    changes)."""
    from mmaction.registry import TRANSFORMS
    _scope()
    stcr = [TRANSFORMS.build(c) for c in _with(STCR_PIPELINE, clip_len, crop)]
    mma = [TRANSFORMS.build(c) for c in _with(MMACTION_PIPELINE, clip_len,
                                               crop)]
    rows = []
    seeds = np.random.default_rng(0)
    for path in videos:
        for i in range(2):  # warm-up: file cache, first use of the kernels
            _paired_round(stcr, mma, path, int(seeds.integers(2**31)),
                          i % 2 == 0)
        runs = dict(stcr=[], mma=[])
        paired = 0
        for i in range(repeats):
            a, b, same = _paired_round(stcr, mma, path,
                                       int(seeds.integers(2**31)),
                                       i % 2 == 0)
            runs['stcr'].append(a)
            runs['mma'].append(b)
            paired += same
        med = {k: {s: statistics.median(r[s] for r in v)
                   for s in STEPS + ('total', )}
               for k, v in runs.items()}
        ratios = [a['total'] / b['total']
                  for a, b in zip(runs['stcr'], runs['mma'])]
        rows.append(dict(
            video=osp.basename(path),
            stcr_ms={k: v * 1e3 for k, v in med['stcr'].items()},
            mma_ms={k: v * 1e3 for k, v in med['mma'].items()},
            ratio=med['stcr']['total'] / med['mma']['total'],
            ratio_spread=spread(ratios),
            frames_paired=paired / repeats,
            stt_mixup_share=(med['stcr']['flip/STT'] + med['stcr']['mixup'])
            / med['stcr']['total']))
    return dict(
        rows=rows, repeats=repeats,
        geomean_ratio=geomean([r['ratio'] for r in rows]),
        geomean_stt_mixup_share=geomean(
            [r['stt_mixup_share'] for r in rows]))


def scaling_table(videos: Sequence[str], repeats: int,
                  clip_lens=(8, 16, 32), crops=(56, 112)) -> Dict:
    """STCR per-clip pipeline time (and ratio to MMAction2's) against clip
    length and crop; the exponent of a least-squares fit of log time on
    log clip length (per crop) and on log crop (per clip length), for the
    whole pipeline and for STCR's own steps after the resize (crops, STT,
    mixup, pack: ``own_ms``), whose work is per output pixel."""
    rows = []
    for clip_len in clip_lens:
        for crop in crops:
            table = pipeline_table(videos[:1], repeats, clip_len, crop)
            row = table['rows'][0]
            rows.append(dict(clip_len=clip_len, crop=crop,
                             stcr_ms=row['stcr_ms']['total'],
                             own_ms=sum(row['stcr_ms'][k] for k in OWN_STEPS),
                             mma_ms=row['mma_ms']['total'],
                             ratio=row['ratio']))

    def slope(xs, ys):
        lx, ly = np.log(xs), np.log(ys)
        return float(np.polyfit(lx, ly, 1)[0])

    def exponents(key):
        in_len = {c: slope([r['clip_len'] for r in rows if r['crop'] == c],
                           [r[key] for r in rows if r['crop'] == c])
                  for c in crops}
        in_crop = {t: slope([r['crop'] for r in rows if r['clip_len'] == t],
                            [r[key] for r in rows if r['clip_len'] == t])
                   for t in clip_lens}
        return in_len, in_crop

    exp_len, exp_crop = exponents('stcr_ms')
    own_len, own_crop = exponents('own_ms')
    return dict(rows=rows, video=osp.basename(videos[0]),
                exponent_clip_len=exp_len, exponent_crop=exp_crop,
                own_exponent_clip_len=own_len, own_exponent_crop=own_crop)


# ---------------------------------------------------------------- models
def backbone_cfg(arch: str, base_channels: int = 64) -> dict:
    """One of the paper's four backbones; ``base_channels`` shrinks it."""
    r3d = dict(conv1_kernel=(3, 7, 7), conv1_stride_t=1, pool1_stride_t=1,
               inflate=(1, 1, 1, 1), spatial_strides=(1, 2, 2, 2),
               temporal_strides=(1, 2, 2, 2), zero_init_residual=False,
               pretrained=None, pretrained2d=False,
               base_channels=base_channels)
    if arch == 'c3d':
        return dict(type='C3DConv', base_channels=base_channels,
                    norm_cfg=dict(type='BN3d', requires_grad=True))
    if arch == 'r3d':
        return dict(type='ResNet3d', depth=18, with_pool2=False, **r3d)
    if arch == 'r2plus1d':
        return dict(type='ResNet2Plus1d', depth=18,
                    conv_cfg=dict(type='Conv2plus1d'), **r3d)
    if arch == 'i3d':
        return dict(type='ResNet3d', depth=50, pretrained=None,
                    pretrained2d=False, base_channels=base_channels,
                    conv1_kernel=(5, 7, 7), conv1_stride_t=2,
                    pool1_stride_t=2, zero_init_residual=False,
                    inflate=((1, 1, 1), (1, 0, 1, 0), (1, 0, 1, 0, 1, 0),
                             (0, 1, 0)))
    raise ValueError(f'unknown arch {arch!r}; expected one of {ARCHS}')


def build_pair(arch: str, base: int, frames: int, size: int):
    """STCRRecognizer and Recognizer3D on the same backbone config (two
    copies with the same initial weights), each with an SGD wrapper."""
    import torch
    from mmaction.registry import MODELS
    from mmengine.optim import OptimWrapper
    _scope()
    torch.manual_seed(0)
    backbone = MODELS.build(backbone_cfg(arch, base))
    backbone.eval()
    with torch.no_grad():
        probe = backbone(torch.zeros(1, 3, frames, size, size))
    channels = probe.size(1)
    stcr = MODELS.build(dict(
        type='STCRRecognizer', backbone=backbone_cfg(arch, base),
        cw_head=dict(type='ChannelDescriptorHead', in_channels=channels,
                     temporal_size=probe.size(2)),
        data_preprocessor=dict(type='STCRDataPreprocessor',
                               format_shape='NCTHW', mean=[0.] * 3,
                               std=[255.] * 3)))
    r3d = MODELS.build(dict(
        type='Recognizer3D', backbone=backbone_cfg(arch, base),
        cls_head=dict(type='I3DHead', in_channels=channels, num_classes=101,
                      average_clips='prob'),
        data_preprocessor=dict(type='ActionDataPreprocessor',
                               format_shape='NCTHW', mean=[0.] * 3,
                               std=[255.] * 3)))
    r3d.backbone.load_state_dict(stcr.backbone.state_dict())
    wrappers = [OptimWrapper(torch.optim.SGD(m.parameters(), lr=1e-3,
                                             momentum=0.9))
                for m in (stcr, r3d)]
    return (stcr.train(), wrappers[0]), (r3d.train(), wrappers[1])


def make_batches(batch: int, frames: int, size: int, seed: int = 0):
    """An STCR batch (``batch`` samples of 2 views) and a Recognizer3D
    batch of ``batch`` clips, both uint8 as PackSTCRInputs (with the default
    rounded mixup) and PackActionInputs make them, as DataLoader output."""
    import torch
    from mmaction.structures import ActionDataSample
    g = torch.Generator().manual_seed(seed)
    stcr, r3d = [], []
    for i in range(batch):
        sample = ActionDataSample()
        sample.set_metainfo(dict(stt_code=(i % 4, (i // 4) % 4)))
        stcr.append((torch.randint(0, 256, (2, 3, frames, size, size),
                                   generator=g, dtype=torch.uint8), sample))
        label = ActionDataSample()
        _set_label(label, i % 101)
        r3d.append((torch.randint(0, 256, (1, 3, frames, size, size),
                                  generator=g, dtype=torch.uint8), label))

    def pack(items):
        return dict(inputs=[x for x, _ in items],
                    data_samples=[s for _, s in items])

    return pack(stcr), pack(r3d)


def _set_label(sample, label):
    if hasattr(sample, 'set_gt_label'):
        sample.set_gt_label(label)
    else:
        sample.set_gt_labels(label)


def step_table(archs: Sequence[str], base: int, batch: int, frames: int,
               size: int, repeats: int) -> Dict:
    """``train_step`` (preprocess, forward, backward, SGD step) of STCR at
    ``batch`` samples (2 x ``batch`` clips), in one batched backbone pass
    (the default) and in one pass per view, vs two Recognizer3D steps at
    ``batch`` clips, interleaved."""
    import copy

    import torch
    from mmengine.optim import OptimWrapper
    rows = []
    for arch in archs:
        (stcr, stcr_opt), (r3d, r3d_opt) = build_pair(arch, base, frames,
                                                      size)
        # the same model with one backbone pass per view (batch_views=False)
        two = copy.deepcopy(stcr)
        two.batch_views = False
        two_opt = OptimWrapper(
            torch.optim.SGD(two.parameters(), lr=1e-3, momentum=0.9))
        data_stcr, data_r3d = make_batches(batch, frames, size)
        steps = dict(
            stcr=lambda: stcr.train_step(data_stcr, stcr_opt),
            stcr_two_pass=lambda: two.train_step(data_stcr, two_opt),
            r3d2=lambda: (r3d.train_step(data_r3d, r3d_opt),
                          r3d.train_step(data_r3d, r3d_opt)))
        for _ in range(2):  # warm-up
            for step in steps.values():
                step()
        times = {name: [] for name in steps}
        for _ in range(repeats):
            for name, step in steps.items():
                start = time.perf_counter()
                step()
                times[name].append(time.perf_counter() - start)
        ratios = [a / b for a, b in zip(times['stcr'], times['r3d2'])]
        two_ratios = [
            a / b for a, b in zip(times['stcr_two_pass'], times['r3d2'])
        ]
        rows.append(dict(arch=arch, stcr_s=statistics.median(times['stcr']),
                         stcr_two_pass_s=statistics.median(
                             times['stcr_two_pass']),
                         r3d_x2_s=statistics.median(times['r3d2']),
                         ratio=statistics.median(ratios),
                         ratio_spread=spread(ratios),
                         two_pass_ratio=statistics.median(two_ratios),
                         two_pass_ratio_spread=spread(two_ratios)))
        del stcr, two, r3d
    return dict(rows=rows, base_channels=base, batch=batch, frames=frames,
                size=size, repeats=repeats)


# ---------------------------------------------------------------- memory
def _status_kb(field: str) -> int:
    with open('/proc/self/status') as f:
        for line in f:
            if line.startswith(field + ':'):
                return int(line.split()[1])
    raise RuntimeError(f'{field} not in /proc/self/status')


def tensor_peak_bytes(fn) -> int:
    """Peak of the bytes that torch's CPU allocator holds while ``fn()``
    runs, above what it held when ``fn`` started.

    The CPU counterpart of ``torch.cuda.max_memory_allocated()`` after
    ``reset_peak_memory_stats()``: the profiler's memory events (one per
    allocation and free, with its size, signed) are summed in time order
    and the largest partial sum is the peak. Allocations only, so neither
    glibc's arenas nor page residency blur it. The profiler cannot size a
    block allocated before it started, so a free of one is not counted:
    the peak is then an upper bound.
    """
    from torch.profiler import ProfilerActivity, profile
    with profile(activities=[ProfilerActivity.CPU], profile_memory=True,
                 record_shapes=False) as prof:
        fn()
    # (start in ns, signed bytes) of every allocation and free
    events = sorted((e.start_ns(), e.nbytes())
                    for e in prof.profiler.kineto_results.events()
                    if e.name() == '[memory]')
    held = peak = 0
    for _, nbytes in events:
        held += nbytes
        peak = max(peak, held)
    return peak


def memory_worker(kind: str, arch: str, base: int, batch: int, frames: int,
                  size: int, threads: int) -> Dict:
    """Peak memory of one ``train_step`` after a warm-up one, in this
    (fresh) process, two ways: the peak of torch's tensor allocations
    above the start (:func:`tensor_peak_bytes`, on a third step) and the
    peak RSS growth, ``VmHWM - VmRSS`` after a trimmed heap and a reset of
    the kernel's high-water mark (``/proc/self/clear_refs``)."""
    import torch
    torch.set_num_threads(threads)
    (stcr, stcr_opt), (r3d, r3d_opt) = build_pair(arch, base, frames, size)
    if kind == 'stcr':
        model, opt = stcr, stcr_opt
        data = make_batches(batch, frames, size)[0]
        del r3d
    else:  # Recognizer3D at twice the batch: the same number of clips
        model, opt = r3d, r3d_opt
        data = make_batches(2 * batch, frames, size)[1]
        del stcr
    model.train_step(data, opt)  # warm-up: kernels, grads, SGD buffers
    gc.collect()
    try:
        ctypes.CDLL('libc.so.6').malloc_trim(0)
    except (OSError, AttributeError):
        pass
    try:
        with open('/proc/self/clear_refs', 'w') as f:
            f.write('5')
        exact = True
    except OSError:
        exact = False
    before = _status_kb('VmRSS')
    model.train_step(data, opt)
    peak = _status_kb('VmHWM') - before if exact else float('nan')
    tensors = tensor_peak_bytes(lambda: model.train_step(data, opt))
    return dict(peak_mb=peak / 1024, exact=exact,
                tensor_peak_mb=tensors / 2**20)


def memory_table(archs, base, batch, frames, size, repeats, threads,
                 script: str) -> Dict:
    rows = []
    for arch in archs:
        runs = dict(stcr=[], r3d=[])
        for _ in range(repeats):
            for kind in ('stcr', 'r3d'):
                cmd = [sys.executable, script, '--memory-worker', kind,
                       arch, str(base), str(batch), str(frames), str(size),
                       str(threads)]
                out = subprocess.run(
                    cmd, capture_output=True, text=True,
                    env=dict(os.environ, OMP_NUM_THREADS=str(threads)))
                if out.returncode:
                    raise RuntimeError(f'memory worker failed:\n'
                                       f'{out.stderr[-3000:]}')
                runs[kind].append(
                    json.loads(out.stdout.strip().splitlines()[-1]))
        row = dict(arch=arch)
        # the tensor peak (the target's figure) and the RSS growth
        for field, prefix in (('tensor_peak_mb', 'tensor_'), ('peak_mb', '')):
            ratios = [a[field] / b[field]
                      for a, b in zip(runs['stcr'], runs['r3d'])]
            row.update({
                f'stcr_{prefix}mb':
                statistics.median(r[field] for r in runs['stcr']),
                f'r3d_2x_{prefix}mb':
                statistics.median(r[field] for r in runs['r3d']),
                f'{prefix}ratio': statistics.median(ratios),
                f'{prefix}ratio_spread': spread(ratios)})
        rows.append(row)
    return dict(rows=rows, base_channels=base, batch=batch, frames=frames,
                size=size, repeats=repeats)


# ------------------------------------------------------------ dataloader
def dataloader_table(videos: Sequence[str], batch: int, num_batches: int,
                     workers=(0, 1, 2), step_s: float = None) -> Dict:
    """Clips per second out of a DataLoader over the STCR pipeline (the
    videos repeated), at each number of workers, against the model's step
    rate (clips per second of one STCR train step)."""
    import torch
    from mmengine.dataset import Compose, pseudo_collate
    _scope()

    class _Videos(torch.utils.data.Dataset):

        def __init__(self, files):
            self.files = files
            self.pipeline = Compose(STCR_PIPELINE)

        def __len__(self):
            return len(self.files)

        def __getitem__(self, i):
            return self.pipeline(dict(filename=self.files[i], start_index=0,
                                      modality='RGB'))

    rows = []
    needed = batch * (num_batches + 1)
    files = [videos[i % len(videos)] for i in range(needed)]
    for num in workers:
        dataset = _Videos(files)
        loader = torch.utils.data.DataLoader(
            dataset, batch_size=batch, num_workers=num,
            collate_fn=pseudo_collate, shuffle=False)
        it = iter(loader)
        next(it)  # start-up of the workers is not counted
        start = time.perf_counter()
        count = 0
        for data in it:
            count += len(data['inputs'])
        elapsed = time.perf_counter() - start
        rows.append(dict(num_workers=num, clips_per_s=count / elapsed))
        del it, loader
    model = None if step_s is None else batch / step_s
    for row in rows:
        row['bottleneck'] = ('n/a' if model is None else
                             'data' if row['clips_per_s'] < model else 'model')
    return dict(rows=rows, batch=batch, model_clips_per_s=model)


# ------------------------------------------------------------------ DDP
def _ddp_worker(rank, world, port, arch, base, global_batch, frames, size,
                iters, threads, out_file):
    import datetime
    import torch
    import torch.distributed as dist
    from torch.nn.parallel import DistributedDataParallel as DDP
    torch.set_num_threads(threads)
    os.environ.update(MASTER_ADDR='127.0.0.1', MASTER_PORT=str(port))
    # a peer that never comes fails the table instead of hanging the run
    dist.init_process_group('gloo', rank=rank, world_size=world,
                            timeout=datetime.timedelta(seconds=300))
    (stcr, _), _ = build_pair(arch, base, frames, size)
    from mmengine.optim import OptimWrapper
    model = DDP(stcr, device_ids=None)
    opt = OptimWrapper(torch.optim.SGD(model.parameters(), lr=1e-3))
    data = make_batches(global_batch // world, frames, size, seed=rank)[0]

    def step():
        with opt.optim_context(model):
            data_ = model.module.data_preprocessor(data, True)
            losses = model(**data_, mode='loss')
        loss, _ = model.module.parse_losses(losses)
        opt.update_params(loss)

    step()
    times = []
    for _ in range(iters):
        dist.barrier()
        start = time.perf_counter()
        step()
        dist.barrier()
        times.append(time.perf_counter() - start)
    if rank == 0:
        with open(out_file, 'w') as f:
            json.dump(times, f)
    dist.destroy_process_group()


def ddp_table(arch, base, global_batch, frames, size, iters, repeats,
              threads, tmp_dir) -> Dict:
    """2-process DDP (gloo, CPU) vs 1 process at the same global batch:
    seconds per step, interleaved."""
    import socket

    import torch.multiprocessing as mp
    runs = {1: [], 2: []}
    for r in range(repeats):
        for world in (1, 2):
            with socket.socket() as s:
                s.bind(('127.0.0.1', 0))
                port = s.getsockname()[1]
            out_file = osp.join(tmp_dir, f'ddp_{world}_{r}.json')
            mp.spawn(_ddp_worker, nprocs=world, join=True,
                     args=(world, port, arch, base, global_batch, frames,
                           size, iters, threads, out_file))
            with open(out_file) as f:
                runs[world].append(statistics.median(json.load(f)))
    ratios = [a / b for a, b in zip(runs[2], runs[1])]
    return dict(arch=arch, global_batch=global_batch,
                one_process_s=statistics.median(runs[1]),
                two_process_s=statistics.median(runs[2]),
                ratio=statistics.median(ratios), ratio_spread=spread(ratios),
                speedup=statistics.median(runs[1]) /
                statistics.median(runs[2]))
