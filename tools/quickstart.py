"""The quick start: one seed of the transfer benchmark's ladder, on CPU.

    python tools/quickstart.py [--work-dir work_dirs/quickstart] [--seed 0]

It generates the synthetic motion set (six kinds of motion of one textured
object, in UCF101's layout), then pretrains and evaluates, in this one
process through MMEngine's Runner, the rungs of
``configs/benchmark/stcr_ladder.py``'s ``quick_methods``: scratch (the
floor), supervised pretraining on the pool's labels (the ceiling), pace
prediction, pace + STCR with the counter-measure the config names, and the
faithful STCR. Each is scored by kNN, a linear probe and finetuning on 5
labelled videos per class, and shown with the share of the floor-to-ceiling
gap it closes. To fit in a few minutes it uses the config's
``quick_protocol`` (a third of the pretraining and finetuning iterations of the
measured protocol). One line per step; the runners' full logs go to
``<work-dir>/runs/``.

One seed is an anecdote: README's "Does STCR help?" gives the table over
seeds with paired intervals (``tools/analysis/stcr_ladder.py``).
"""
import argparse
import os.path as osp
import sys
import time

# The benchmark config ships with the repository (configs/ is not
# installed): the quick start runs from a clone.
CONFIG = osp.join(
    osp.dirname(osp.dirname(osp.abspath(__file__))), 'configs', 'benchmark',
    'stcr_ladder.py')


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--work-dir', default='work_dirs/quickstart')
    parser.add_argument('--seed', type=int, default=0)
    parser.add_argument('--config', default=CONFIG)
    return parser.parse_args(argv)


def ladder_lines(results, num_test: int = 600) -> list:
    """A readable ladder: one line per rung, top-1 % per metric and the gap
    closed (of the floor-to-ceiling distance), floor first. With one seed
    the only noise measure is the test set's: where the ceiling leads the
    floor by less than twice the binomial standard error of that difference
    on ``num_test`` videos, the gap is shown as n/a."""
    import math

    from mmstcr_tools.benchmark.evaluate import METRICS
    from mmstcr_tools.benchmark.report import gap_closed
    by_role = {r.role: r for r in results if r.role != 'method'}
    floor, ceiling = by_role['floor'], by_role['ceiling']
    width = max(len(r.name) for r in results)
    lines = [f'{"":{width}}  ' + '  '.join(f'{m:>18}' for m in METRICS)]
    for r in results:
        cells = []
        for m in METRICS:
            value = r.per_seed[m][0]
            f, c = floor.per_seed[m][0], ceiling.per_seed[m][0]
            se = math.sqrt((f * (1 - f) + c * (1 - c)) / num_test)
            gap = gap_closed(value, f, c) if c - f > 2 * se else float('nan')
            gap_text = ('' if r.role != 'method' else
                        '  (gap n/a)' if gap != gap else f'  ({gap:+.0%})')
            cells.append(f'{100 * value:5.1f}{gap_text:>13}')
        tag = dict(floor=' (floor)', ceiling=' (ceiling)').get(r.role, '')
        lines.append(f'{r.name:{width}}  ' + '  '.join(cells) + tag)
    return lines


def main(argv=None) -> int:
    args = parse_args(argv)
    from mmengine.config import Config
    from mmengine.utils import import_modules_from_strings

    from mmstcr.utils.malloc import tune_malloc
    from mmstcr_tools.benchmark.ladder import Ladder

    tune_malloc()
    start = time.time()
    cfg = Config.fromfile(args.config)
    import_modules_from_strings(**cfg.custom_imports)
    cfg.protocol.update(cfg.get('quick_protocol', {}))
    methods = list(cfg.quick_methods)
    print(f'[quickstart] seed {args.seed}: {", ".join(methods)}; data and '
          f'logs in {osp.abspath(args.work_dir)}', flush=True)

    def log(line: str) -> None:  # the final table is printed below
        if not line.startswith('\n'):
            print(f'[quickstart] {line}', flush=True)

    ladder = Ladder(cfg, args.work_dir, log=log)
    status = ladder.run(methods, [args.seed])
    names = [m for m in methods if ladder.done(m, args.seed)]
    results = ladder.results(names, [args.seed])
    p = cfg.protocol
    print(f'\nOne seed ({args.seed}), {p.pretrain_iters} pretraining and '
          f'{p.finetune_iters} finetuning iterations (the quick protocol), '
          f'{time.time() - start:.0f} s; top-1 % on '
          f'{len(ladder.cache.test)} test videos (chance '
          f'{100 / ladder.cache.num_classes:.1f}), in brackets the share of '
          'the floor-to-ceiling gap closed:\n')
    print('\n'.join(ladder_lines(results, len(ladder.cache.test))))
    print('\n(gap n/a: the ceiling leads the floor by less than twice the '
          'test set\'s sampling error)')
    print(f'\nOne seed is an anecdote: README ("Does STCR help?") has the '
          f'table over seeds. Table, chart and JSON: {args.work_dir}/')
    return status


if __name__ == '__main__':
    sys.exit(main())
