"""Video retrieval (and kNN) evaluation of a checkpoint's backbone, as a
Markdown table.

    python tools/analysis/video_retrieval.py CONFIG CHECKPOINT
        [--work-dir DIR] [--out table.md] [--cfg-options K=V ...]
        [--launcher {none,pytorch,slurm,mpi}]

``CONFIG`` is a retrieval config: a ``Recognizer3D`` whose ``cls_head`` is
``RetrievalFeatureHead``, a ``RetrievalVideoDataset`` test set (queries = test
split, gallery = train split) and ``VideoRetrievalMetric`` (and optionally
``KNNAccuracy``) as ``test_evaluator``. The tool runs MMEngine's test loop
(as ``tools/test.py`` does) but loads ``CHECKPOINT`` strictly: instead of
``load_from`` (which only warns about missing weights) it adds
``STCRPretrainedHook``, so every backbone weight must be in the checkpoint.
``CHECKPOINT`` may be an STCR checkpoint, a finetuned recognizer's, or a
converted backbone checkpoint. The model must have no parameters outside the
backbone (they would stay random).

It prints a table with one row (the checkpoint) and a column per metric, in
percent, and writes it to ``--out`` if given. Multi-process runs work as for
``tools/test.py`` (``torchrun ... --launcher pytorch``).
"""
import argparse
import os
import os.path as osp
from types import SimpleNamespace

from mmengine.config import DictAction
from mmengine.dist import is_main_process
from mmengine.model import is_model_wrapper
from mmengine.runner import Runner

from mmstcr.engine import load_config, merge_test_args, setup_launch


def parse_args(argv=None):
    parser = argparse.ArgumentParser(
        description='Video retrieval / kNN evaluation of a backbone')
    parser.add_argument('config', help='retrieval config file')
    parser.add_argument('checkpoint', help='checkpoint file')
    parser.add_argument('--work-dir', help='where the test logs go')
    parser.add_argument('--out', help='write the Markdown table here')
    parser.add_argument(
        '--prefix',
        default='backbone.',
        help='key prefix of the backbone in the checkpoint')
    parser.add_argument(
        '--cfg-options',
        nargs='+',
        action=DictAction,
        help='override config settings, key=value pairs')
    parser.add_argument(
        '--launcher',
        choices=['none', 'pytorch', 'slurm', 'mpi'],
        default='none',
        help='job launcher')
    parser.add_argument('--local_rank', '--local-rank', type=int, default=0)
    args = parser.parse_args(argv)
    os.environ.setdefault('LOCAL_RANK', str(args.local_rank))
    return args


def metrics_table(metrics: dict, name: str) -> str:
    """A one-row Markdown table of ``metrics`` (fractions) in percent."""
    keys = list(metrics)
    header = '| checkpoint | ' + ' | '.join(keys) + ' |'
    rule = '|---|' + '---:|' * len(keys)
    row = f'| {name} | ' + ' | '.join(
        f'{100 * float(metrics[k]):.2f}' for k in keys) + ' |'
    return '\n'.join([header, rule, row]) + '\n'


def build_cfg(args):
    """The test config: ``tools/test.py``'s, with the checkpoint loaded by
    ``STCRPretrainedHook`` instead of ``load_from``."""
    cfg = merge_test_args(
        load_config(args.config),
        SimpleNamespace(
            config=args.config,
            checkpoint=args.checkpoint,
            work_dir=args.work_dir,
            dump=None,
            launcher=args.launcher,
            cfg_options=args.cfg_options))
    cfg.load_from = None
    hooks = list(cfg.get('custom_hooks', None) or [])
    hooks.append(
        dict(
            type='STCRPretrainedHook',
            checkpoint=args.checkpoint,
            prefix=args.prefix,
            load_outside_training=True))
    cfg.custom_hooks = hooks
    return cfg


def check_only_backbone_has_params(runner, prefix: str) -> None:
    model = runner.model.module if is_model_wrapper(
        runner.model) else runner.model
    others = [
        name for name, _ in model.named_parameters()
        if not name.startswith(prefix)
    ]
    if others:
        raise ValueError(
            'the retrieval model has parameters outside the backbone, which '
            f'the checkpoint would not initialise: {others[:10]}; use a '
            "parameter-free head (cls_head=dict(type='RetrievalFeatureHead'))"
            ' and no neck')


def build_runner(args) -> Runner:
    """The Runner of the test, its model checked."""
    cfg = build_cfg(args)
    setup_launch(cfg)
    runner = Runner.from_cfg(cfg)
    check_only_backbone_has_params(runner, args.prefix)
    return runner


def main(argv=None) -> dict:
    args = parse_args(argv)
    metrics = build_runner(args).test()
    if is_main_process():
        table = metrics_table(metrics, osp.basename(args.checkpoint))
        print(table)
        if args.out:
            if osp.dirname(args.out):
                os.makedirs(osp.dirname(args.out), exist_ok=True)
            with open(args.out, 'w') as f:
                f.write(table)
    return metrics


if __name__ == '__main__':
    main()
