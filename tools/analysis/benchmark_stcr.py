"""STCR side by side with MMAction2's own pipeline and Recognizer3D.

Usage::

    python tools/analysis/benchmark_stcr.py --out-json speed.json \\
        --out-md speed.md
    python tools/analysis/benchmark_stcr.py --quick        # about a minute
    python tools/analysis/benchmark_stcr.py --only pipeline,step \\
        --videos DIR --threads 1

Tables (``--only`` picks a subset, comma-separated):

* ``pipeline``: per-clip time of the STCR pretraining pipeline vs
  MMAction2's single-view training pipeline, per video and geometric mean,
  split by step (decode, resize, crops, flip/STT, mixup, pack);
* ``step``: one STCR ``train_step`` vs two Recognizer3D ``train_step`` at
  the same per-view batch, same backbone (C3D, R3D-18, R(2+1)D-18, I3D at
  reduced width);
* ``memory``: peak memory of an STCR step vs a Recognizer3D step at twice
  the batch (fresh subprocess each);
* ``dataloader``: DataLoader clips/s at 0, 1, 2 workers vs the model's
  step rate;
* ``ddp``: 2-process DDP on CPU (gloo) vs 1 process, same global batch;
* ``scaling``: pipeline time per clip vs clip length and crop, with the
  fitted exponent.

Every figure is a ratio measured in one run, the two sides interleaved;
min / median / max over ``--repeats``. The tables are printed as Markdown
under a line naming the machine (nproc, CPU model, torch, threads, load
average at start) and written to ``--out-md`` (by default next to
``--out-json``, with ``.md``), ready for the README. Intra-op threads:
``--threads`` (default 1, for reproducible numbers on a shared machine).
``--malloc tuned`` (the default) sets glibc's allocator as ``tools/train.py``
does on a CPU, for this process and its subprocesses; ``--malloc default``
leaves glibc alone. The method is in docs/performance.md.
"""
import argparse
import json
import os
import os.path as osp
import platform
import sys
import tempfile

sys.path.insert(0, osp.dirname(osp.dirname(osp.dirname(
    osp.abspath(__file__)))))

TABLES = ('pipeline', 'step', 'memory', 'dataloader', 'ddp', 'scaling')


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--only', default=','.join(TABLES),
                        help=f'comma-separated subset of {TABLES}')
    parser.add_argument('--videos', help='folder of videos (default: the '
                        'tool writes its own synthetic ones)')
    parser.add_argument('--repeats', type=int, default=None,
                        help='pipeline rounds per video (default 30); the '
                        'step table takes a sixth, the scaling table a '
                        'quarter')
    parser.add_argument('--threads', type=int, default=1)
    parser.add_argument('--archs', default='c3d,r3d,r2plus1d,i3d')
    parser.add_argument('--base-channels', type=int, default=None)
    parser.add_argument('--batch', type=int, default=None,
                        help='per-view batch of the step tables')
    parser.add_argument('--quick', action='store_true',
                        help='tiny sizes and repeat counts (a smoke run)')
    parser.add_argument('--malloc', choices=('tuned', 'default'),
                        default='tuned',
                        help="glibc's allocator: 'tuned' as tools/train.py "
                        "sets it on CPU (env_cfg.cpu_malloc), or glibc's "
                        'default (docs/performance.md)')
    parser.add_argument('--out-json')
    parser.add_argument('--out-md', help='write the tables as Markdown here '
                        '(default with --out-json: the same path, .md)')
    parser.add_argument('--memory-worker', nargs=7, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    args.only = [t for t in args.only.split(',') if t]
    bad = set(args.only) - set(TABLES)
    if bad:
        parser.error(f'--only: unknown table(s) {sorted(bad)}; expected '
                     f'{TABLES}')
    if args.threads < 1:
        parser.error('--threads must be >= 1')
    q = args.quick
    args.repeats = args.repeats or (3 if q else 30)
    args.base_channels = args.base_channels or (4 if q else 16)
    args.batch = args.batch or 2
    args.frames, args.size = (8, 32) if q else (16, 112)
    args.archs = args.archs.split(',')
    return args


def machine(threads: int, malloc: str = 'default') -> dict:
    import torch
    model = ''
    try:
        with open('/proc/cpuinfo') as f:
            model = next((line.split(':', 1)[1].strip() for line in f
                          if line.startswith('model name')), '')
    except OSError:
        pass
    try:
        nproc = len(os.sched_getaffinity(0))  # what `nproc` prints
    except AttributeError:
        nproc = os.cpu_count()
    return dict(nproc=nproc, cpu=model or platform.processor(),
                torch=torch.__version__, threads=threads,
                python=platform.python_version(),
                loadavg=os.getloadavg(), malloc=malloc)


def machine_line(m: dict) -> str:
    """One line naming the machine the tables were measured on."""
    return (f"Machine: nproc {m['nproc']}, {m['cpu'] or 'unknown CPU'}, "
            f"torch {m['torch']}, {m['threads']} intra-op thread(s), "
            f"glibc malloc {m.get('malloc', 'default')}, "
            f"1-minute load average {m['loadavg'][0]:.2f} at start.")


def _fmt(s):
    return f"{s['median']:.3f} ({s['min']:.2f}-{s['max']:.2f})"


def render_tables(res: dict) -> str:
    """The tables as Markdown, under a header line naming the machine."""
    lines = []

    def out(text=''):
        lines.append(text)

    out(machine_line(res['machine']))
    out(f"\ncommand: `{res['command']}`\n")
    if 'pipeline' in res:
        p = res['pipeline']
        out(f"Pipeline per clip, STCR vs MMAction2 single-view, median "
            f"ms over {p['repeats']} paired, interleaved clips:\n")
        out('| video | STCR ms | MMAction2 ms | ratio (min-max) | '
            'STT+mixup share | STCR decode / resize / crops / STT / '
            'mixup / pack ms | MMAction2 decode / resize / crop / flip / '
            '- / pack ms |')
        out('|---|---:|---:|---:|---:|---|---|')
        from mmstcr_tools.benchmark.speed import STEPS
        for r in p['rows']:
            split = ' / '.join(f"{r['stcr_ms'][s]:.2f}" for s in STEPS)
            msplit = ' / '.join(f"{r['mma_ms'][s]:.2f}" for s in STEPS)
            out(f"| {r['video']} | {r['stcr_ms']['total']:.2f} | "
                f"{r['mma_ms']['total']:.2f} | {_fmt(r['ratio_spread'])} "
                f"| {100 * r['stt_mixup_share']:.1f} % | {split} | "
                f"{msplit} |")
        share = 100 * p['geomean_stt_mixup_share']
        out(f"\ngeometric mean ratio {p['geomean_ratio']:.3f} (target "
            f"<= 1.10); STT+mixup share {share:.2f} % (target <= 3 %)\n")
    if 'step' in res:
        s = res['step']
        out(f"Train step (preprocess + fwd + bwd + SGD), STCR at batch "
            f"{s['batch']} x 2 views vs 2 x Recognizer3D at batch "
            f"{s['batch']}, base channels {s['base_channels']}, clips "
            f"{s['frames']} x {s['size']}^2, {s['repeats']} repeats:\n")
        out('| backbone | STCR s | 2 x Recognizer3D s | ratio (min-max) | '
            'STCR, one pass per view s | ratio (min-max) |')
        out('|---|---:|---:|---:|---:|---:|')
        for r in s['rows']:
            out(f"| {r['arch']} | {r['stcr_s']:.3f} | {r['r3d_x2_s']:.3f} "
                f"| {_fmt(r['ratio_spread'])} | "
                f"{r['stcr_two_pass_s']:.3f} | "
                f"{_fmt(r['two_pass_ratio_spread'])} |")
        out('\ntarget: ratio <= 1.02 (the default, one batched pass; '
            '`batch_views=False` runs one pass per view)\n')
    if 'memory' in res:
        s = res['memory']
        out(f"Peak memory of one train step (fresh process), STCR at "
            f"batch {s['batch']} vs Recognizer3D at batch "
            f"{2 * s['batch']}: the peak of torch's tensor allocations "
            f"above the step's start, and the peak RSS growth:\n")
        out('| backbone | STCR tensors MB | Recognizer3D (2x batch) '
            'tensors MB | ratio (min-max) | STCR RSS MB | Recognizer3D '
            '(2x batch) RSS MB | RSS ratio (min-max) |')
        out('|---|---:|---:|---:|---:|---:|---:|')
        for r in s['rows']:
            out(f"| {r['arch']} | {r['stcr_tensor_mb']:.1f} | "
                f"{r['r3d_2x_tensor_mb']:.1f} | "
                f"{_fmt(r['tensor_ratio_spread'])} | {r['stcr_mb']:.1f} | "
                f"{r['r3d_2x_mb']:.1f} | {_fmt(r['ratio_spread'])} |")
        out('\ntarget: ratio <= 1.05 (of the tensor peak; RSS counts '
            'pages, which glibc keeps or returns at its own pace)\n')
    if 'dataloader' in res:
        d = res['dataloader']
        rate = d['model_clips_per_s']
        out(f"DataLoader (STCR pipeline, batch {d['batch']}) vs model "
            f"step rate "
            f"{'n/a' if rate is None else f'{rate:.1f}'} clips/s:\n")
        out('| num_workers | clips/s | bottleneck |')
        out('|---:|---:|---|')
        for r in d['rows']:
            out(f"| {r['num_workers']} | {r['clips_per_s']:.1f} | "
                f"{r['bottleneck']} |")
        out()
    if 'ddp' in res:
        d = res['ddp']
        out(f"DDP on CPU (gloo), {d['arch']}, global batch "
            f"{d['global_batch']}: 1 process {d['one_process_s']:.3f} "
            f"s/step, 2 processes {d['two_process_s']:.3f} s/step; "
            f"2-proc / 1-proc time {_fmt(d['ratio_spread'])} "
            f"(speed-up {d['speedup']:.2f})\n")
    if 'scaling' in res:
        s = res['scaling']
        out(f"Scaling of the STCR pipeline ({s['video']}):\n")
        out('| clip length | crop | STCR ms | STCR crops + STT + mixup + '
            'pack ms | MMAction2 ms | ratio |')
        out('|---:|---:|---:|---:|---:|---:|')
        for r in s['rows']:
            out(f"| {r['clip_len']} | {r['crop']} | {r['stcr_ms']:.2f} | "
                f"{r['own_ms']:.2f} | {r['mma_ms']:.2f} | "
                f"{r['ratio']:.3f} |")
        for what, prefix in (('whole pipeline', ''),
                             ('crops + STT + mixup + pack', 'own_')):
            el = ', '.join(f'crop {k}: {v:.2f}' for k, v in
                           s[prefix + 'exponent_clip_len'].items())
            ec = ', '.join(f'T {k}: {v:.2f}'
                           for k, v in s[prefix + 'exponent_crop'].items())
            out(f'\nfitted exponent of time ({what}) in clip length: {el}; '
                f'in crop side: {ec}')
        out('\n(per-pixel work: 1 in clip length, 2 in crop side; the '
            'decode and resize work on whole frames, whatever the crop)\n')
    return '\n'.join(lines)


def markdown_path(out_md, out_json):
    """``--out-md`` if given, else ``--out-json`` with ``.md``, else None."""
    if out_md or not out_json:
        return out_md
    return osp.splitext(out_json)[0] + '.md'


def main(argv=None):
    args = parse_args(argv)
    import torch
    torch.set_num_threads(args.threads)
    from mmstcr_tools.benchmark import speed
    if args.memory_worker:
        kind, arch, *nums = args.memory_worker
        base, batch, frames, size, threads = (int(n) for n in nums)
        print(json.dumps(speed.memory_worker(kind, arch, base, batch, frames,
                                             size, threads)))
        return  # the allocator: as the parent set it in the environment
    malloc = 'default'
    if args.malloc == 'tuned':
        from mmstcr.utils import tune_malloc
        malloc = 'tuned' if tune_malloc() else 'default (not glibc)'
    res = dict(machine=machine(args.threads, malloc),
               command=' '.join(sys.argv))
    with tempfile.TemporaryDirectory() as tmp:
        if args.videos:
            videos = speed.list_videos(args.videos)
            if not videos:
                raise SystemExit(f'--videos {args.videos}: no video files')
        else:
            specs = speed.DEFAULT_VIDEOS
            if args.quick:
                specs = tuple((n, h // 2, w // 2, 80) for n, h, w, _ in
                              specs[::2])
            videos = speed.make_videos(osp.join(tmp, 'videos'), specs)
        reps = args.repeats
        if 'pipeline' in args.only:
            res['pipeline'] = speed.pipeline_table(videos, reps)
        if 'step' in args.only or 'dataloader' in args.only:
            res['step'] = speed.step_table(args.archs, args.base_channels,
                                           args.batch, args.frames,
                                           args.size, max(3, reps // 6))
        if 'memory' in args.only:
            res['memory'] = speed.memory_table(
                args.archs, args.base_channels, args.batch, args.frames,
                args.size, 1 if args.quick else 2, args.threads, __file__)
        if 'dataloader' in args.only:
            step_s = {r['arch']: r['stcr_s'] for r in res['step']['rows']}
            res['dataloader'] = speed.dataloader_table(
                videos, 2, 2 if args.quick else 8,
                step_s=step_s.get('r3d', next(iter(step_s.values()))))
        if 'ddp' in args.only:
            res['ddp'] = speed.ddp_table(
                'r3d', args.base_channels, 4, args.frames, args.size,
                2 if args.quick else 5, 1 if args.quick else 3,
                args.threads, tmp)
        if 'scaling' in args.only:
            res['scaling'] = speed.scaling_table(
                videos, max(3, reps // 4),
                crops=(16, 32) if args.quick else (56, 112))
        if 'step' not in args.only:
            res.pop('step', None)
    tables = render_tables(res)
    print(tables)
    if args.out_json:
        with open(args.out_json, 'w') as f:
            json.dump(res, f, indent=1)
    out_md = markdown_path(args.out_md, args.out_json)
    if out_md:
        with open(out_md, 'w') as f:
            f.write(tables + '\n')


if __name__ == '__main__':
    main()
