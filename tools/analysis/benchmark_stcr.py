"""Benchmark STCRRecognizer: one batched backbone pass over both views vs.
one pass per view, and the feature-map shapes of the four backbones.

Usage::

    python tools/analysis/benchmark_stcr.py                 # about a minute
    python tools/analysis/benchmark_stcr.py --arch c3d --iters 5 \\
        --setting small:8:4:8:64 --setting big:64:8:16:112

Each ``--setting NAME:BASE_CHANNELS:BATCH:FRAMES:SIZE`` builds an
STCRRecognizer on the chosen backbone (``--arch``) with ``base_channels``
and random ``BATCH x 2 x 3 x FRAMES x SIZE x SIZE`` inputs, for both
``batch_views=True`` (one pass over ``2 x BATCH`` clips) and
``batch_views=False`` (two passes of ``BATCH`` clips).

What is measured, and how:

* time: ``loss`` forward + ``backward`` (no optimizer step), median over
  ``--iters`` iterations after one warm-up iteration, on ``--threads``
  intra-op threads (1 by default: the machine is shared). Both the CPU
  time of the process (``time.process_time``: with one thread it hardly
  depends on other processes' load) and the wall-clock time are recorded;
  the ratios of both are shown. Modes run alternately (``--repeats``
  rounds, medians over rounds) so that changes in load hit both.
* memory: peak growth of the resident set size (RSS) during one more
  forward + backward after the timed ones, in a fresh subprocess per mode
  (so that first-use costs, such as code pages of kernels and the weights'
  ``.grad`` buffers, count in neither mode). Before it the memory torch
  freed is handed back to the OS (``gc`` and glibc ``malloc_trim(0)``), the
  kernel's peak-RSS mark is reset (``echo 5 > /proc/self/clear_refs``) and
  ``VmRSS`` is read from ``/proc/self/status``; after it, ``VmHWM``. The
  table shows ``VmHWM - VmRSS``: the activations kept for the backward, the
  transient buffers of the kernels, allocator overhead; not only live
  tensors. (``tracemalloc`` cannot see torch's allocations, and
  CPU torch has no ``max_memory_allocated``.) Where ``clear_refs`` is not
  writable the script falls back to the growth of ``ru_maxrss`` since the
  model was built and marks the number with ``*`` (an upper bound that
  includes the first-use costs).

A second table (skip it with ``--no-shapes``) gives ``C' x T' x H' x W'``
of the four full-size backbones (C3DConv, R3D-18, R(2+1)D-18, I3D-R50),
measured by a forward pass at ``--shape-input`` (16 x 112 x 112): ``T'`` is
``cw_head.temporal_size``.
"""
import argparse
import ctypes
import gc
import json
import os
import statistics
import subprocess
import sys
import time
from typing import Dict, List


def backbone_cfg(arch: str, base_channels: int = 64) -> dict:
    """Backbone config of one of the paper's four backbones.

    ``base_channels=64`` is the real network; smaller values shrink it.
    """
    r3d_strides = dict(
        conv1_kernel=(3, 7, 7),
        conv1_stride_t=1,
        pool1_stride_t=1,
        inflate=(1, 1, 1, 1),
        spatial_strides=(1, 2, 2, 2),
        temporal_strides=(1, 2, 2, 2),
        zero_init_residual=False)
    if arch == 'c3d':
        return dict(type='C3DConv', base_channels=base_channels)
    if arch == 'r3d':
        return dict(
            type='ResNet3d',
            depth=18,
            pretrained=None,
            pretrained2d=False,
            base_channels=base_channels,
            with_pool2=False,
            **r3d_strides)
    if arch == 'r2plus1d':
        return dict(
            type='ResNet2Plus1d',
            depth=18,
            pretrained=None,
            pretrained2d=False,
            base_channels=base_channels,
            conv_cfg=dict(type='Conv2plus1d'),
            **r3d_strides)
    if arch == 'i3d':  # MMAction2's i3d_r50 model, without torchvision init
        return dict(
            type='ResNet3d',
            depth=50,
            pretrained=None,
            pretrained2d=False,
            base_channels=base_channels,
            conv1_kernel=(5, 7, 7),
            conv1_stride_t=2,
            pool1_stride_t=2,
            inflate=((1, 1, 1), (1, 0, 1, 0), (1, 0, 1, 0, 1, 0), (0, 1, 0)),
            zero_init_residual=False)
    raise ValueError(f'unknown --arch {arch!r}; expected one of {ARCHS}')


ARCHS = ('c3d', 'r3d', 'r2plus1d', 'i3d')
ARCH_NAMES = dict(
    c3d='C3DConv (conv5b)',
    r3d='R3D-18 (ResNet3d)',
    r2plus1d='R(2+1)D-18 (ResNet2Plus1d)',
    i3d='I3D (ResNet3d-50 inflated)')


def parse_setting(text: str) -> dict:
    """``NAME:BASE_CHANNELS:BATCH:FRAMES:SIZE`` -> dict."""
    parts = text.split(':')
    if len(parts) != 5:
        raise argparse.ArgumentTypeError(
            f'--setting {text!r}: expected NAME:BASE_CHANNELS:BATCH:FRAMES:'
            'SIZE, e.g. small:16:4:8:64')
    try:
        base, batch, frames, size = (int(p) for p in parts[1:])
    except ValueError:
        raise argparse.ArgumentTypeError(
            f'--setting {text!r}: BASE_CHANNELS, BATCH, FRAMES and SIZE must '
            'be integers')
    return dict(name=parts[0], base=base, batch=batch, frames=frames,
                size=size)


# ------------------------------------------------------------ the worker
def _status_kb(field: str) -> int:
    with open('/proc/self/status') as f:
        for line in f:
            if line.startswith(field + ':'):
                return int(line.split()[1])
    raise RuntimeError(f'{field} not in /proc/self/status')


def _reset_peak_rss() -> bool:
    try:
        with open('/proc/self/clear_refs', 'w') as f:
            f.write('5')
        return True
    except OSError:
        return False


def build_model(arch: str, base: int, frames: int, size: int,
                batch_views: bool):
    import torch
    from mmaction.registry import MODELS
    from mmengine.registry import init_default_scope

    import mmstcr  # noqa: F401  (registers the models)
    init_default_scope('mmaction')  # Conv2plus1d lives in mmaction's scope
    backbone = MODELS.build(backbone_cfg(arch, base))
    backbone.eval()  # BN of a 1-clip probe; ResNet3d.train() returns None
    with torch.no_grad():  # C' and T' for the head
        probe = backbone(torch.zeros(1, 3, frames, size, size))
    model = MODELS.build(
        dict(
            type='STCRRecognizer',
            backbone=backbone,
            cw_head=dict(
                type='ChannelDescriptorHead',
                in_channels=probe.size(1),
                temporal_size=probe.size(2)),
            batch_views=batch_views))
    model.init_weights()
    return model.train()


def _release_free_memory() -> None:
    """Return heap memory that torch freed to the OS (glibc
    ``malloc_trim``), so that the next iteration's RSS growth is its own
    and not hidden by memory the allocator kept from the last one."""
    gc.collect()
    try:
        ctypes.CDLL('libc.so.6').malloc_trim(0)
    except (OSError, AttributeError):  # not glibc: nothing to trim
        pass


def run_worker(args) -> Dict[str, float]:
    """One mode of one setting, in this (fresh) process."""
    import torch
    from mmaction.structures import ActionDataSample
    torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    s = parse_setting(args.setting[0])
    model = build_model(args.arch, s['base'], s['frames'], s['size'],
                        args.mode == 'batched')
    # B x 2 x 3 x T x H x W
    inputs = torch.randn(s['batch'], 2, 3, s['frames'], s['size'],
                         s['size'])
    samples = []
    for i in range(s['batch']):  # a spread of the 16 STT codes
        samples.append(ActionDataSample())
        samples[-1].set_metainfo(dict(stt_code=(i % 4, (i // 4) % 4)))

    def step():
        losses = model.loss(inputs, samples)
        total = sum(v for k, v in losses.items() if 'loss' in k)
        total.backward()

    rss_start = _status_kb('VmRSS')
    step()  # warm-up: first use of every kernel, the weight gradients
    wall, cpu = [], []
    for _ in range(args.iters):
        model.zero_grad(set_to_none=False)
        start_wall, start_cpu = time.perf_counter(), time.process_time()
        step()
        wall.append(time.perf_counter() - start_wall)
        cpu.append(time.process_time() - start_cpu)
    # memory: one more iteration, from a trimmed heap and a reset peak mark
    model.zero_grad(set_to_none=False)
    _release_free_memory()
    exact = _reset_peak_rss()
    rss_before = _status_kb('VmRSS')
    step()
    if exact:
        peak_kb = _status_kb('VmHWM') - rss_before
    else:  # no reset: growth of the high-water mark since the build
        import resource
        peak_kb = resource.getrusage(
            resource.RUSAGE_SELF).ru_maxrss - rss_start
    return dict(
        wall=statistics.median(wall),
        cpu=statistics.median(cpu),
        peak_mb=peak_kb / 1024,
        exact_memory=exact)


def spawn_worker(args, setting: str, mode: str) -> Dict[str, float]:
    cmd = [
        sys.executable, __file__, '--worker', '--mode', mode, '--setting',
        setting, '--arch', args.arch, '--iters',
        str(args.iters), '--threads',
        str(args.threads)
    ]
    env = dict(os.environ, OMP_NUM_THREADS=str(args.threads))
    out = subprocess.run(
        cmd, env=env, capture_output=True, text=True, check=False)
    if out.returncode != 0:
        raise RuntimeError(f'benchmark worker failed ({" ".join(cmd)}):\n'
                           f'{out.stderr[-3000:]}')
    return json.loads(out.stdout.strip().splitlines()[-1])


# ------------------------------------------------------------ the tables
def shape_table(frames: int, size: int, threads: int) -> List[str]:
    import torch
    from mmaction.registry import MODELS
    from mmengine.registry import init_default_scope

    import mmstcr  # noqa: F401
    init_default_scope('mmaction')  # Conv2plus1d lives in mmaction's scope
    torch.set_num_threads(threads)
    lines = [
        f'Feature maps at N x 3 x {frames} x {size} x {size} '
        "(T' = cw_head.temporal_size):", '',
        "| backbone | C' | T' | H' | W' |", '|---|---:|---:|---:|---:|'
    ]
    for arch in ARCHS:
        backbone = MODELS.build(backbone_cfg(arch))
        backbone.eval()  # ResNet3d.train() returns None, so no chaining
        with torch.no_grad():
            feats = backbone(torch.zeros(1, 3, frames, size, size))
        c, t, h, w = feats.shape[1:]
        lines.append(f'| {ARCH_NAMES[arch]} | {c} | {t} | {h} | {w} |')
        del backbone, feats
    return lines


def speed_table(args) -> List[str]:
    rows = []
    for text in args.setting:
        s = parse_setting(text)
        runs = dict(batched=[], separate=[])
        for _ in range(args.repeats):
            for mode in ('batched', 'separate'):
                runs[mode].append(spawn_worker(args, text, mode))
        rows.append((s, runs))
    lines = [
        f'Forward + backward of STCRRecognizer.loss, backbone {args.arch}, '
        f'{args.threads} thread(s); time: median of {args.iters} iterations '
        f'after a warm-up, then median of {args.repeats} round(s); CPU time '
        'is what the process used (robust to other load on a shared '
        'machine), wall the elapsed time; peak: RSS growth in one '
        'iteration:', '',
        '| setting (base ch, B x 2 x 3 x T x S x S) | batched CPU s/it | '
        'two passes CPU s/it | two/batched CPU | two/batched wall | '
        'batched peak MB | two passes peak MB | two/batched peak |',
        '|---|---:|---:|---:|---:|---:|---:|---:|'
    ]
    for s, runs in rows:

        def med(mode, key):
            return statistics.median(r[key] for r in runs[mode])

        mark = '' if all(r['exact_memory'] for v in runs.values()
                         for r in v) else '*'
        lines.append(
            f"| {s['name']} ({s['base']}, {s['batch']} x 2 x 3 x "
            f"{s['frames']} x {s['size']} x {s['size']}) | "
            f"{med('batched', 'cpu'):.3f} | {med('separate', 'cpu'):.3f} | "
            f"{med('separate', 'cpu') / med('batched', 'cpu'):.2f} | "
            f"{med('separate', 'wall') / med('batched', 'wall'):.2f} | "
            f"{med('batched', 'peak_mb'):.0f}{mark} | "
            f"{med('separate', 'peak_mb'):.0f}{mark} | "
            f"{med('separate', 'peak_mb') / med('batched', 'peak_mb'):.2f} |")
    return lines


def parse_args(argv=None):
    parser = argparse.ArgumentParser(
        description='STCRRecognizer: batched vs two-pass speed and memory, '
        'and backbone feature shapes')
    parser.add_argument('--arch', default='r3d', choices=ARCHS,
                        help='backbone for the speed/memory table')
    parser.add_argument(
        '--setting', action='append', type=str, default=None,
        help='NAME:BASE_CHANNELS:BATCH:FRAMES:SIZE (repeatable); default '
        'small:16:4:8:64 and medium:32:2:16:112')
    parser.add_argument('--iters', type=int, default=3,
                        help='timed iterations after the warm-up')
    parser.add_argument('--repeats', type=int, default=1,
                        help='rounds of (batched, two passes) subprocesses')
    parser.add_argument('--threads', type=int, default=1)
    parser.add_argument('--no-shapes', dest='shapes', action='store_false',
                        help='skip the feature-shape table')
    parser.add_argument('--shape-input', type=int, nargs=2, default=(16, 112),
                        metavar=('FRAMES', 'SIZE'))
    parser.add_argument('--no-speed', dest='speed', action='store_false',
                        help='skip the speed/memory table')
    parser.add_argument('--worker', action='store_true',
                        help=argparse.SUPPRESS)
    parser.add_argument('--mode', choices=('batched', 'separate'),
                        help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.setting is None:
        args.setting = ['small:16:4:8:64', 'medium:32:2:16:112']
    for text in args.setting:
        try:  # fail early on a malformed setting
            parse_setting(text)
        except argparse.ArgumentTypeError as exc:
            parser.error(str(exc))
    if args.iters < 1 or args.repeats < 1 or args.threads < 1:
        parser.error('--iters, --repeats and --threads must be >= 1')
    return args


def main(argv=None):
    args = parse_args(argv)
    if args.worker:
        print(json.dumps(run_worker(args)))
        return
    if args.speed:
        print('\n'.join(speed_table(args)), end='\n\n', flush=True)
    if args.shapes:
        print('\n'.join(shape_table(*args.shape_input, args.threads)))


if __name__ == '__main__':
    main()
