"""The proxy benchmark: scratch vs STCR pretraining (faithful, and with each
counter-measure against collapse) over several seeds.

    python tools/analysis/proxy_benchmark.py [--config CFG]
        [--data-root DIR] [--seeds 3] [--methods all | scratch faithful ...]
        [--protocol {paper,low-label}] [--work-dir DIR] [--verbose]

Without ``--data-root`` it generates the config's synthetic dataset (kinds of
motion, labels that survive flips and time reversal) in UCF101's layout;
with it, it reads any tree in that layout (``UCF-101/`` and
``ucfTrainTestlist/``). Protocols and budgets come from the config
(``configs/benchmark/stcr_proxy_motion.py``). It writes, in the work dir:
``results.md`` (mean ± std of top-1, kNN and R@1; paired difference of top-1
to scratch with its 95 % interval), ``results.json`` (method -> metric ->
per-seed values, the table's metric names), ``results.png`` (bars with every
seed), ``run_info.json`` (settings, step timings) and every step's log
under ``logs/``. Finished steps are skipped when
it is run again with the same work dir.
"""
import argparse
import json
import logging
import os
import os.path as osp
import sys
import time

REPO = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
sys.path.insert(0, REPO)

from mmengine import Config  # noqa: E402

from mmstcr_tools.benchmark.proxy import (METRICS,  # noqa: E402
                                          BenchmarkPlan, run_benchmark)
from mmstcr_tools.benchmark.proxy_report import (  # noqa: E402
    best_method, report_table)
from mmstcr_tools.steps import StepError  # noqa: E402

logger = logging.getLogger('proxy_benchmark')


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument(
        '--config', default='configs/benchmark/stcr_proxy_motion.py')
    parser.add_argument(
        '--data-root', help='a UCF101-layout tree (UCF-101/, '
        'ucfTrainTestlist/); default: generate the config\'s dataset')
    parser.add_argument('--seeds', type=int, default=3,
                        help='seeds 0 .. N-1')
    parser.add_argument('--methods', nargs='+',
                        help='subset of the config\'s methods (the baseline '
                        'is always run), or "all"; default: the config\'s '
                        '`default_methods`')
    parser.add_argument('--protocol', choices=['paper', 'low-label'],
                        default='low-label')
    parser.add_argument('--work-dir', default='work_dirs/proxy_benchmark')
    parser.add_argument(
        '--pretrain-epochs', type=int,
        help='pretraining epochs instead of the config\'s (a budget study; '
        'use its own --work-dir, and --data-root to share the data)')
    parser.add_argument('--verbose', action='store_true',
                        help='show every step\'s full log on the screen')
    return parser.parse_args(argv)


def make_plan(args, cfg) -> BenchmarkPlan:
    methods = dict(cfg.methods)
    chosen = args.methods or list(cfg.get('default_methods', methods))
    if chosen == ['all']:
        chosen = list(methods)
    unknown = [m for m in chosen if m not in methods]
    if unknown:
        raise SystemExit(f'unknown method(s) {unknown}; the config '
                         f'{args.config} has {list(methods)}')
    if cfg.baseline not in chosen:
        chosen = [cfg.baseline] + chosen
    if args.seeds < 1:
        raise SystemExit(f'--seeds must be >= 1, got {args.seeds}')
    plan = BenchmarkPlan.from_config(
        cfg, args.protocol, args.work_dir, chosen, range(args.seeds), REPO,
        data_root=args.data_root, verbose=args.verbose)
    if args.pretrain_epochs is not None:
        if args.pretrain_epochs < 1:
            raise SystemExit('--pretrain-epochs must be >= 1, got '
                             f'{args.pretrain_epochs}')
        plan.pretrain_epochs = args.pretrain_epochs
    return plan


def main(argv=None) -> int:
    args = parse_args(argv)
    logging.basicConfig(
        level=logging.INFO, format='[benchmark] %(message)s',
        stream=sys.stdout)
    cfg = Config.fromfile(osp.join(REPO, args.config) if not osp.isabs(
        args.config) else args.config)
    plan = make_plan(args, cfg)
    os.makedirs(plan.work_dir, exist_ok=True)
    start = time.time()
    try:
        results = run_benchmark(
            plan, None if args.data_root else cfg.dataset)
    except StepError as err:
        logger.error('%s', err)
        return 1
    table = report_table(results, plan.baseline)
    best = best_method(results, plan.baseline)
    summary = (f'{plan.protocol} protocol, {len(plan.seeds)} seeds, '
               f'{100 * plan.label_fraction:.0f} % labels, '
               f'{plan.pretrain_epochs} pretraining epochs, '
               f'{time.time() - start:.0f} s; best counter-measure by mean '
               f'top-1: {best}')
    with open(osp.join(plan.work_dir, 'results.md'), 'w') as f:
        f.write(f'{summary}\n\n{table}\n')
    with open(osp.join(plan.work_dir, 'results.json'), 'w') as f:
        json.dump(results, f, indent=1)
    with open(osp.join(plan.work_dir, 'run_info.json'), 'w') as f:
        json.dump(dict(protocol=plan.protocol, seeds=plan.seeds,
                       label_fraction=plan.label_fraction,
                       pretrain_epochs=plan.pretrain_epochs,
                       finetune_epochs=plan.finetune_epochs,
                       data_root=plan.data_root, methods=plan.methods,
                       best=best, timings_s=plan.timings), f, indent=1)
    from mmstcr_tools.visualization.bars import plot_seed_bars
    png = plot_seed_bars(results, list(METRICS),
                         osp.join(plan.work_dir, 'results.png'),
                         title=summary)
    print(f'\n{summary}\n\n{table}\n\n{plan.work_dir}/results.md, '
          f'results.json, {osp.basename(png)}')
    return 0


if __name__ == '__main__':
    sys.exit(main())
