"""Does a pretraining method help? The transfer benchmark of issue 20:
floor (scratch), ceiling (supervised on the pool) and every method, over
seeds, in one process through MMEngine's Runner.

Examples::

    # the default run: every method of the config, 3 seeds
    python tools/analysis/stcr_ladder.py --work-dir work_dirs/ladder
    # on another dataset in UCF101's layout
    python tools/analysis/stcr_ladder.py --data-root data/other \\
        --work-dir work_dirs/ladder_other
    # floor and ceiling only (calibration)
    python tools/analysis/stcr_ladder.py --methods scratch supervised
    # the calibration of the pretraining optimiser on the controls
    python tools/analysis/stcr_ladder.py --calibrate
    # item 3: the search on the validation split, then the selection on test
    python tools/analysis/stcr_ladder.py --search

Outputs in the work dir: ``table.md``, ``results.json``, ``ladder.png``,
``progress.json`` (finished steps, reused on a rerun), ``ladder.log`` and
the runners' full logs under ``runs/``. Exit status 3: the ceiling does
not beat the floor, so the protocol cannot measure.
"""
import argparse
import os
import os.path as osp
import sys
import time

DEFAULT_CONFIG = osp.join(
    osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__)))), 'configs',
    'benchmark', 'stcr_ladder.py')


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--config', default=DEFAULT_CONFIG)
    parser.add_argument('--work-dir', default='work_dirs/stcr_ladder')
    parser.add_argument('--data-root', default=None,
                        help="a tree in UCF101's layout (default: the "
                        'config\'s, or the generated synthetic set)')
    parser.add_argument('--methods', nargs='+', default=None,
                        help='methods of the config (default: all)')
    parser.add_argument('--seeds', nargs='+', type=int, default=None)
    parser.add_argument('--quick', action='store_true',
                        help="the config's quick_methods and "
                        'quick_protocol, one seed, no overhead measurement')
    parser.add_argument('--calibrate', action='store_true',
                        help="run the config's calibration (the controls "
                        'on the validation split under each candidate '
                        'pretraining optimiser)')
    parser.add_argument('--search', action='store_true',
                        help="run the config's search (item 3)")
    parser.add_argument('--overhead-iters', type=int, default=15,
                        help='timed steps per round of the runner / bare '
                        'loop comparison (0: skip it)')
    parser.add_argument('--threads', type=int, default=None,
                        help="torch's intra-op threads (default: torch's "
                        'choice); 1 is much faster on an oversubscribed '
                        'machine')
    parser.add_argument('--cfg-options', nargs='+', default=[],
                        help='key=value overrides of the config (e.g. '
                        'protocol.pretrain_iters=5 for a smoke test)')
    return parser.parse_args(argv)


def main(argv=None) -> int:
    args = parse_args(argv)
    from mmengine.config import Config, DictAction  # noqa: F401
    from mmengine.utils import import_modules_from_strings

    from mmstcr.utils.malloc import tune_malloc
    from mmstcr_tools.benchmark.ladder import Ladder
    from mmstcr_tools.benchmark.overhead import measure_overhead

    tune_malloc()
    if args.threads:
        import torch
        torch.set_num_threads(args.threads)
    cfg = Config.fromfile(args.config)
    for item in args.cfg_options:
        key, value = item.split('=', 1)
        cfg.merge_from_dict({key: eval(value, {}, {})})
    if args.quick:
        cfg.protocol.update(cfg.get('quick_protocol', {}))
    import_modules_from_strings(**cfg.custom_imports)
    os.makedirs(args.work_dir, exist_ok=True)
    log_file = open(osp.join(args.work_dir, 'ladder.log'), 'a')

    def log(line: str) -> None:
        stamp = time.strftime('%H:%M:%S')
        print(line if line.startswith('\n') else f'{stamp} {line}',
              flush=True)
        log_file.write(f'{stamp} {line}\n')
        log_file.flush()

    ladder = Ladder(cfg, args.work_dir, args.data_root, log)
    ladder.prepare_data()
    if args.calibrate:
        ladder.calibrate(osp.join(args.work_dir, 'calibration'))
        return 0
    if args.search:
        ladder.search(osp.join(args.work_dir, 'search'))
        return 0
    methods = args.methods or (cfg.quick_methods
                               if args.quick else list(cfg.methods))
    seeds = args.seeds or ([cfg.protocol.seeds[0]]
                           if args.quick else list(cfg.protocol.seeds))
    overhead = None
    if args.overhead_iters > 0 and not args.quick:
        from mmstcr_tools.benchmark.engine import dataset_cfg
        from mmstcr_tools.benchmark.video_cache import make_splits
        splits = make_splits(ladder.cache, 0, cfg.data.labelled_per_class,
                             cfg.data.val_fraction)
        model = dict(cfg.stcr_model)
        data = dataset_cfg(ladder.cache.array_file, splits.unlabelled,
                           list(cfg.pipelines.stcr))
        overhead = measure_overhead(
            model, data, cfg.protocol.batch_size, args.overhead_iters, 3,
            dict(cfg.protocol.optimizer),
            osp.join(args.work_dir, 'runs', 'overhead'))
        log('runner vs bare PyTorch loop (faithful STCR, batch '
            f"{cfg.protocol.batch_size}, two views): runner "
            f"{overhead['runner_step_s']:.3f} s/step "
            f"({overhead['runner_clips_per_s']:.0f} clips/s), bare "
            f"{overhead['bare_step_s']:.3f} s/step "
            f"({overhead['bare_clips_per_s']:.0f} clips/s), ratio "
            f"{overhead['ratio']:.2f}; load average "
            f'{os.getloadavg()[0]:.1f}')
    return ladder.run(methods, seeds, overhead)


if __name__ == '__main__':
    sys.exit(main())
