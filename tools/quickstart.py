"""The quick start: STCR pretraining, then finetuning, on a synthetic motion
dataset made on the spot, on CPU, in minutes.

    python tools/quickstart.py [--work-dir work_dirs/quickstart] [--seed 0]
        [--method NAME] [--verbose]

It is one seed of the proxy benchmark's low-label protocol
(``configs/benchmark/stcr_proxy_motion.py``): it generates the synthetic
'kinds' dataset in UCF101's layout (kinds of motion, each video with its own
random direction), builds the annotation lists, pretrains with the paper's
loss (faithful) and with the recommended counter-measure against collapse,
finetunes scratch and both checkpoints with the same budget on 15 % of the
labels, tests with 10 clips per video, and evaluates the frozen backbones by
kNN and retrieval. One line and one progress bar per step; every step's full
log goes to ``<work-dir>/low-label/logs/`` (``--verbose`` shows them). A
failed step prints its last log lines and the command that reproduces it.

One seed is an anecdote: README's benchmark table gives the mean over seeds
and the paired difference with its interval
(``tools/analysis/proxy_benchmark.py``).
"""
import argparse
import logging
import os.path as osp
import sys
import time

REPO = osp.dirname(osp.dirname(osp.abspath(__file__)))
sys.path.insert(0, REPO)

BENCHMARK_CFG = 'configs/benchmark/stcr_proxy_motion.py'
# The counter-measure README recommends, from the benchmark over seeds.
RECOMMENDED = 'simsiam'

logger = logging.getLogger('quickstart')


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--work-dir', default='work_dirs/quickstart')
    parser.add_argument('--seed', type=int, default=0)
    parser.add_argument(
        '--method',
        default=RECOMMENDED,
        help='the counter-measure shown beside scratch and the faithful '
        f'STCR (default: {RECOMMENDED}, the recommended one)')
    parser.add_argument(
        '--verbose', action='store_true', help='show every full log')
    parser.add_argument(
        '--skip-plots', action='store_true', help='do not write PNG curves')
    return parser.parse_args(argv)


def make_plan(args, cfg):
    from mmstcr.benchmark import BenchmarkPlan
    if args.method not in cfg.methods or args.method in ('scratch',
                                                         'faithful'):
        raise SystemExit(
            f'--method must be one of the counter-measures of '
            f'{BENCHMARK_CFG}: '
            f'{[m for m in cfg.methods if m not in ("scratch", "faithful")]}'
            f'; got {args.method!r}')
    return BenchmarkPlan.from_config(
        cfg, 'low-label', args.work_dir,
        ['scratch', 'faithful', args.method], [args.seed],
        verbose=args.verbose)


def write_figures(plan) -> list:
    from mmstcr.visualization import plot_curves
    seed_dir = osp.join(plan.work_dir, f'seed{plan.seeds[0]}')
    pretrained = [m for m, c in plan.methods.items() if c is not None]
    figures = [
        osp.join(plan.work_dir, 'pretrain_curves.png'),
        osp.join(plan.work_dir, 'finetune_curves.png')
    ]
    plot_curves([plan.pretrain_dir(plan.seeds[0], m) for m in pretrained],
                ['loss_tw', 'feat_std_ratio', 'feat_std_ratio/layer3'],
                figures[0],
                labels=pretrained)
    plot_curves([osp.join(seed_dir, m, 'finetune') for m in plan.methods],
                ['loss'],
                figures[1],
                labels=list(plan.methods))
    return figures


def main(argv=None) -> int:
    args = parse_args(argv)
    logging.basicConfig(
        level=logging.INFO, format='[quickstart] %(message)s',
        stream=sys.stdout)
    from mmengine import Config

    from mmstcr.benchmark import report_table, run_benchmark
    from mmstcr.utils.steps import StepError
    cfg = Config.fromfile(osp.join(REPO, BENCHMARK_CFG))
    plan = make_plan(args, cfg)
    start = time.time()
    logger.info('the proxy benchmark\'s low-label protocol, seed %d: '
                'scratch, faithful STCR and STCR + %s; data and logs in %s',
                args.seed, args.method, osp.abspath(args.work_dir))
    try:
        results = run_benchmark(plan, cfg.dataset)
    except StepError as err:
        logger.error('%s', err)
        return 1
    table = report_table(results, plan.baseline)
    with open(osp.join(plan.work_dir, 'results.md'), 'w') as f:
        f.write(table + '\n')
    figures = [] if args.skip_plots else write_figures(plan)
    print(f'\nOne seed ({args.seed}), {100 * plan.label_fraction:.0f} % of '
          f'the labels, {time.time() - start:.0f} s; one run is an anecdote: '
          'see README for the mean over seeds.\n')
    print(table)
    print(f'\nTable: {plan.work_dir}/results.md')
    for png in figures:
        print(f'Figure: {png}')
    return 0


if __name__ == '__main__':
    sys.exit(main())
