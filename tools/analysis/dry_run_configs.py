"""Dry-run every training config at the official dataset sizes.

    python tools/analysis/dry_run_configs.py [CONFIG ...]
        [--world-sizes 1 2 4 8] [--json OUT.json]

For every training config (default: every leaf config under ``configs/``
with a model, a ``train_dataloader`` and a ``train_cfg``), for every
official size of its training list (``DATASET_SIZES``: UCF101 splits 1-3,
HMDB51, Kinetics-400, Something-Something v2, the proxy benchmark's
generated data) and every world size:

1. **Batches.** Each rank's batch sizes come from the config's own sampler
   (MMEngine's ``DefaultSampler``, built from the config with
   ``num_replicas``/``rank`` given through MMEngine's distributed-info
   function, so the sampler's code runs unchanged on a stand-in dataset of
   the official length) and PyTorch's ``BatchSampler`` with the config's
   ``batch_size`` and ``drop_last``: what the ``DataLoader`` of each GPU
   would yield in one epoch.
2. **One real training iteration per distinct batch size**, the last one
   included: an MMEngine ``Runner`` built from the config (its model, data
   preprocessor, optimiser wrapper with its gradient clipping, parameter
   schedulers and every default hook: ``FiniteLossHook``, the logger, the
   checkpoint hook, ...) trains one epoch per batch size, each epoch one
   batch of exactly that many samples from the config's own pipeline on a
   tiny generated video. The backbone is narrowed and the crops made
   small (the heads are resized to fit); the batch size, clip length and
   frame sampling are the config's. Identical models (the splits of one
   dataset, ...) are run once. Custom hooks that load a pretrained
   checkpoint are left out. A rank that gets no batch fails.

It prints a table (config, dataset, world size, batches per rank, last
batch per rank, result) and exits with status 1 if any row failed. Set
``MMSTCR_DRY_RUN_TRACEBACK=1`` to print each failure's traceback. Without
a GPU, SyncBN (distributed runs only) is not exercised: each rank's batch
norm sees its own clips, as it would on one GPU.
"""
import argparse
import contextlib
import copy
import glob
import itertools
import json
import os
import os.path as osp
import re
import sys
import tempfile
import time
import traceback
from collections import OrderedDict
from typing import Dict, List, Optional, Sequence, Tuple

REPO = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
if REPO not in sys.path:
    sys.path.insert(0, REPO)

#: The official sizes of the training lists the configs read, matched on
#: the config's ``train_dataloader.dataset.ann_file``. Sources and the
#: test/val sizes: docs/dry_run.md. A scenario named ``'... finetuning)'``
#: applies to finetuning configs only (not to the pretraining recognizers).
DATASET_SIZES: Sequence[Tuple[str, str, Dict[str, int]]] = (
    (r'data/motion/ucf101_train_split_1_videos\.txt$',
     'proxy benchmark (generated)', {
         'train list': 120,
         '15 % subset (low-label finetuning)': 18
     }),
    (r'ucf101_train_split_1_videos\.txt$', 'UCF101', {'split 1': 9537}),
    (r'ucf101_train_split_2_videos\.txt$', 'UCF101', {'split 2': 9586}),
    (r'ucf101_train_split_3_videos\.txt$', 'UCF101', {'split 3': 9624}),
    (r'hmdb51_train_split_(\d)_videos\.txt$', 'HMDB51', {'split': 3570}),
    (r'kinetics400_train_list_videos\.txt$', 'Kinetics-400',
     {'train': 246245}),
    (r'sthv2_train_list_videos\.txt$', 'Something-Something v2',
     {'train': 168913}),
)
WORLD_SIZES = (1, 2, 4, 8)
#: Model types that finetune (the others pretrain).
CLASSIFIERS = ('Recognizer3D', 'Recognizer2D')

# Shrunk clips: crops of 64 x 64 (the configs' 112) from frames resized to
# 68; the clip length and frame sampling are the config's. The backbones'
# last maps then keep T' and H' = W' >= 2, as at full size: a batch-norm
# layer over a one-clip batch still sees several values per channel.
CROP, RESIZE = 32, 36
VIDEO_FRAMES, VIDEO_SIZE = 96, 40


_CONFIGS: Dict[str, object] = {}


def load_config(path: str):
    """``Config.fromfile``, once per path."""
    from mmengine import Config
    path = osp.abspath(path)
    if path not in _CONFIGS:
        _CONFIGS[path] = Config.fromfile(path)
    return _CONFIGS[path]


def training_configs(root: str = osp.join(REPO, 'configs')) -> List[str]:
    """Every leaf config under ``root`` that trains: it has a model, a
    ``train_dataloader`` and a ``train_cfg``."""
    found = []
    for path in sorted(glob.glob(osp.join(root, '**', '*.py'),
                                 recursive=True)):
        if '_base_' in path.split(os.sep):
            continue
        cfg = load_config(path)
        if (cfg.get('model') and cfg.get('train_dataloader')
                and cfg.get('train_cfg')):
            found.append(path)
    return found


def dataset_sizes(ann_file: str,
                  pretraining: bool = False) -> Tuple[str, Dict[str, int]]:
    """``(dataset name, {scenario: size})`` of a training list, from
    :data:`DATASET_SIZES` (without the finetuning-only scenarios if
    ``pretraining``).

    Raises:
        KeyError: For a list whose official size is not known.
    """
    for pattern, name, sizes in DATASET_SIZES:
        match = re.search(pattern, ann_file)
        if match:
            if match.groups():  # one size for every split
                sizes = {
                    f'split {match.group(1)}': size
                    for size in sizes.values()
                }
            return name, {
                scenario: size
                for scenario, size in sizes.items()
                if not (pretraining and scenario.endswith('finetuning)'))
            }
    raise KeyError(f'no official size known for the training list '
                   f'{ann_file!r}; add it to DATASET_SIZES')


class _Sized:
    """A stand-in dataset: only its length is read by the sampler."""

    def __init__(self, length: int) -> None:
        self.length = length

    def __len__(self) -> int:
        return self.length


@contextlib.contextmanager
def distributed_as(rank: int, world_size: int):
    """Make MMEngine's ``get_dist_info()`` (which ``DefaultSampler`` reads
    for its rank and number of replicas) answer ``(rank, world_size)``."""
    import mmengine.dataset.sampler as sampler_module
    saved = sampler_module.get_dist_info
    sampler_module.get_dist_info = lambda *args, **kwargs: (rank, world_size)
    try:
        yield
    finally:
        sampler_module.get_dist_info = saved


def rank_batch_sizes(loader_cfg: dict, length: int,
                     world_size: int) -> List[List[int]]:
    """The batch sizes of one epoch on each rank: the config's sampler
    (built as MMEngine's Runner builds it) over ``length`` samples, batched
    as PyTorch's ``DataLoader`` batches it (``batch_size``, ``drop_last``).
    """
    from mmaction.registry import DATA_SAMPLERS
    from torch.utils.data import BatchSampler
    if loader_cfg.get('batch_sampler'):
        raise NotImplementedError('configs with a batch_sampler are not '
                                  'supported by the dry run')
    per_rank = []
    for rank in range(world_size):
        with distributed_as(rank, world_size):
            sampler = DATA_SAMPLERS.build(
                copy.deepcopy(loader_cfg['sampler']),
                default_args=dict(dataset=_Sized(length), seed=0))
        batches = BatchSampler(sampler, loader_cfg['batch_size'],
                               bool(loader_cfg.get('drop_last', False)))
        per_rank.append([len(batch) for batch in batches])
    return per_rank


# ------------------------------------------------------------ shrinking
def _shrink_pipeline(pipeline: list) -> list:
    out = []
    for step in copy.deepcopy(pipeline):
        kind = step['type']
        if kind == 'Resize':
            step['scale'] = (-1, RESIZE)
        elif kind in ('TwoViewRandomCrop', 'RandomCrop'):
            step['size'] = CROP
        elif kind == 'CenterCrop':
            step['crop_size'] = CROP
        elif kind == 'PackClipTuple':
            step['clip_pipeline'] = _shrink_pipeline(step['clip_pipeline'])
        out.append(step)
    return out


def _shrink_backbone(backbone: dict) -> dict:
    backbone = copy.deepcopy(backbone)
    kind = backbone['type']
    if kind in ('ResNet3d', 'ResNet2Plus1d', 'C3DConv', 'TinyVideoCNN'):
        backbone['base_channels'] = 4
    elif kind == 'InceptionI3D':
        backbone['width_mult'] = 0.0625
    else:
        raise NotImplementedError(f'no shrink rule for backbone {kind}')
    return backbone


_RUN_IDS = itertools.count()
_MAP_SHAPES: Dict[str, Tuple[int, ...]] = {}


def _map_shape(backbone_cfg: dict, clip_len: int) -> Tuple[int, ...]:
    """``(C', T', H', W')`` of the shrunk backbone on a shrunk clip."""
    key = repr((backbone_cfg, clip_len))
    if key not in _MAP_SHAPES:
        import torch
        from mmaction.registry import MODELS
        backbone = MODELS.build(copy.deepcopy(backbone_cfg))
        backbone.eval()
        with torch.no_grad():
            out = backbone(torch.zeros(1, 3, clip_len, CROP, CROP))
        if isinstance(out, (tuple, list)):
            out = out[-1]
        _MAP_SHAPES[key] = tuple(int(d) for d in out.shape[1:])
    return _MAP_SHAPES[key]


def _resize_heads(node, shape: Tuple[int, ...]) -> None:
    """Fit every head, predictor and loss config under ``node`` to the
    shrunk map ``(C', T', H', W')``: ``in_channels``, ``temporal_size``,
    ``feat_size`` (``(T', H', W')``); hidden layers get 8 channels."""
    if isinstance(node, dict):
        if 'in_channels' in node:
            node['in_channels'] = shape[0]
        if 'temporal_size' in node:
            node['temporal_size'] = shape[1]
        if 'feat_size' in node:
            node['feat_size'] = tuple(shape[1:])
        if 'hidden_channels' in node:
            node['hidden_channels'] = 8
        for value in node.values():
            _resize_heads(value, shape)
    elif isinstance(node, list):
        for value in node:
            _resize_heads(value, shape)


def _walk(pipeline: list):
    """The steps of a pipeline, those of a clip tuple's inner one too."""
    for step in pipeline:
        yield step
        if 'clip_pipeline' in step:
            yield from _walk(step['clip_pipeline'])


def shrink_config(cfg) -> dict:
    """The model of ``cfg``, its backbone narrowed and its heads resized to
    the narrowed map (``C'``; ``T'`` of the config's clip length)."""
    model = copy.deepcopy(cfg.model.to_dict() if hasattr(
        cfg.model, 'to_dict') else cfg.model)
    model['backbone'] = _shrink_backbone(model['backbone'])
    pipeline = cfg.train_dataloader.dataset.pipeline
    clip_lens = [s['clip_len'] for s in _walk(pipeline) if 'clip_len' in s]
    shape = _map_shape(model['backbone'], clip_lens[0])
    for key, value in model.items():
        if key not in ('backbone', 'data_preprocessor', 'type'):
            _resize_heads(value, shape)
    return model


# ------------------------------------------------------------- the runs
def write_tiny_video(path: str) -> None:
    """A short mp4 (moving square over noise) that decord reads."""
    import cv2
    import numpy as np
    rng = np.random.default_rng(0)
    writer = cv2.VideoWriter(path, cv2.VideoWriter_fourcc(*'mp4v'), 8,
                             (VIDEO_SIZE, VIDEO_SIZE))
    if not writer.isOpened():
        raise RuntimeError(f'OpenCV cannot write {path}')
    for t in range(VIDEO_FRAMES):
        frame = rng.integers(0, 80, (VIDEO_SIZE, VIDEO_SIZE, 3),
                             dtype=np.uint8)
        x = (2 * t) % (VIDEO_SIZE - 10)
        frame[10:20, x:x + 10] = 255
        writer.write(frame)
    writer.release()


class ScheduledSampler:
    """Epoch ``e`` yields the indices ``0 .. lengths[e] - 1``: with the
    loader's ``batch_size`` equal to the config's, each epoch is one batch
    of ``lengths[e]`` samples (``lengths[e] <= batch_size``)."""

    def __init__(self, lengths: Sequence[int]) -> None:
        self.lengths = list(lengths)
        self.epoch = 0

    def set_epoch(self, epoch: int) -> None:
        self.epoch = epoch

    def __iter__(self):
        return iter(range(self.lengths[min(self.epoch,
                                           len(self.lengths) - 1)]))

    def __len__(self) -> int:
        return self.lengths[min(self.epoch, len(self.lengths) - 1)]


def run_key(cfg, sizes: Sequence[int], work_dir: str,
            video_dir: str) -> Dict[int, Optional[str]]:
    """Train ``cfg`` (already shrunk) one epoch per batch size in
    ``sizes``; returns ``{size: None or the error}``. After a failure the
    remaining sizes run in a fresh Runner."""
    from mmengine.dataset import pseudo_collate
    from mmengine.runner import Runner
    from torch.utils.data import DataLoader

    from mmaction.registry import DATASETS
    results: Dict[int, Optional[str]] = {}
    pending = list(sizes)
    batch_size = cfg.train_dataloader.batch_size
    while pending:
        run_cfg = copy.deepcopy(cfg)
        dataset_cfg = copy.deepcopy(run_cfg.train_dataloader.dataset)
        ann_file = osp.join(work_dir, 'ann.txt')
        with open(ann_file, 'w') as f:
            f.writelines('tiny.mp4 0\n' for _ in range(batch_size))
        dataset_cfg.update(ann_file=ann_file,
                           data_prefix=dict(video=video_dir))
        dataset = DATASETS.build(dataset_cfg)
        loader = DataLoader(
            dataset,
            batch_size=batch_size,
            sampler=ScheduledSampler(pending),
            drop_last=False,
            num_workers=0,
            collate_fn=pseudo_collate)
        run_cfg.train_cfg = dict(
            type='EpochBasedTrainLoop', max_epochs=len(pending))
        run_cfg.default_hooks.logger.interval = 1
        for key in ('val_dataloader', 'val_cfg', 'val_evaluator',
                    'test_dataloader', 'test_cfg', 'test_evaluator'):
            run_cfg[key] = None
        # Runner.from_cfg, with a ready DataLoader for the training data
        runner = Runner(
            model=run_cfg.model,
            work_dir=osp.join(work_dir, f'run{len(results)}'),
            train_dataloader=loader,
            train_cfg=run_cfg.train_cfg,
            auto_scale_lr=run_cfg.get('auto_scale_lr'),
            optim_wrapper=run_cfg.optim_wrapper,
            param_scheduler=run_cfg.get('param_scheduler'),
            default_hooks=run_cfg.get('default_hooks'),
            custom_hooks=run_cfg.get('custom_hooks'),
            data_preprocessor=run_cfg.get('data_preprocessor'),
            launcher='none',
            env_cfg=run_cfg.get('env_cfg', dict(dist_cfg=dict())),
            log_processor=run_cfg.get('log_processor'),
            log_level='ERROR',
            visualizer=run_cfg.get('visualizer'),
            default_scope=run_cfg.get('default_scope', 'mmengine'),
            randomness=dict(seed=0),
            # one logger, visualizer and message hub per Runner: MMEngine
            # names them by the start second unless told otherwise
            experiment_name=f'dry_run_{next(_RUN_IDS)}',
            cfg=None)  # no config dump (yapf formats it in seconds)
        try:
            runner.train()
        except Exception as err:  # report, then go on with the rest
            failed = pending[min(runner.epoch, len(pending) - 1)]
            results[failed] = f'{type(err).__name__}: {err}'.splitlines()[0]
            results.update({s: None for s in pending[:pending.index(failed)]})
            pending = pending[pending.index(failed) + 1:]
            if os.environ.get('MMSTCR_DRY_RUN_TRACEBACK'):
                traceback.print_exc()
        else:
            results.update({s: None for s in pending})
            pending = []
        finally:
            _close_runner(runner)
    return results


def _close_runner(runner) -> None:
    """Release the Runner's log file handlers (many Runners in one
    process)."""
    import logging
    logger = getattr(runner, 'logger', None)
    for handler in list(getattr(logger, 'handlers', [])):
        if isinstance(handler, logging.FileHandler):
            handler.close()
            logger.removeHandler(handler)


def prepare_run_config(cfg):
    """A copy of ``cfg`` as the dry run trains it: model and pipeline
    shrunk, custom hooks that load checkpoints dropped, no loading or
    resuming."""
    cfg = copy.deepcopy(cfg)
    cfg.model = shrink_config(cfg)
    cfg.train_dataloader.dataset.pipeline = _shrink_pipeline(
        cfg.train_dataloader.dataset.pipeline)
    cfg.custom_hooks = [
        hook for hook in cfg.get('custom_hooks', [])
        if hook.get('type') != 'STCRPretrainedHook'
    ]
    cfg.load_from = None
    cfg.resume = False
    return cfg


def _run_key_repr(cfg) -> str:
    """What makes two configs' dry-run iterations the same."""
    parts = {
        key: cfg.get(key)
        for key in ('model', 'optim_wrapper', 'param_scheduler',
                    'default_hooks', 'custom_hooks', 'env_cfg')
    }
    parts['pipeline'] = cfg.train_dataloader.dataset.pipeline
    parts['dataset_type'] = cfg.train_dataloader.dataset.type
    parts['batch_size'] = cfg.train_dataloader.batch_size
    return repr(parts)


def plan(configs: 'OrderedDict[str, object]',
         world_sizes: Sequence[int]) -> List[dict]:
    """The table rows before any iteration runs: one per config, dataset
    size and world size, with the batch sizes of every rank.

    Args:
        configs (OrderedDict): Path -> loaded ``Config``.
        world_sizes (sequence[int]): Numbers of GPUs.
    """
    rows = []
    cache: Dict[tuple, List[List[int]]] = {}
    for path, cfg in configs.items():
        loader = cfg.train_dataloader
        drop_last = bool(loader.get('drop_last', False))
        name, sizes = dataset_sizes(
            loader.dataset.ann_file,
            pretraining=cfg.model.type not in CLASSIFIERS)
        for scenario, length in sizes.items():
            for world_size in world_sizes:
                key = (repr(loader.sampler), loader.batch_size, drop_last,
                       length, world_size)
                if key not in cache:
                    cache[key] = rank_batch_sizes(loader, length, world_size)
                per_rank = cache[key]
                rows.append(
                    dict(
                        config=osp.relpath(path, REPO),
                        dataset=f'{name} {scenario}',
                        length=length,
                        world_size=world_size,
                        batch_size=loader.batch_size,
                        drop_last=drop_last,
                        batches_per_rank=[len(b) for b in per_rank],
                        last_batch_per_rank=[
                            b[-1] if b else 0 for b in per_rank
                        ],
                        sizes=sorted({s
                                      for b in per_rank for s in b})))
    return rows


def run(paths: Sequence[str],
        world_sizes: Sequence[int] = WORLD_SIZES,
        log=print) -> List[dict]:
    """Plan, then train one iteration per distinct (model, batch size);
    returns the rows with ``result`` ('ok' or the errors)."""
    import mmstcr  # noqa: F401  (registers mmstcr's modules)
    from mmaction.utils import register_all_modules
    register_all_modules(init_default_scope=True)
    configs = OrderedDict((osp.abspath(p), load_config(p)) for p in paths)
    rows = plan(configs, world_sizes)
    keys: 'OrderedDict[str, dict]' = OrderedDict()
    config_keys = {}
    for path, cfg in configs.items():
        run_cfg = prepare_run_config(cfg)
        key = _run_key_repr(run_cfg)
        keys.setdefault(key, dict(cfg=run_cfg, sizes=set()))
        config_keys[osp.relpath(path, REPO)] = key
    for row in rows:
        keys[config_keys[row['config']]]['sizes'].update(row['sizes'])
    results: Dict[str, Dict[int, Optional[str]]] = {}
    with tempfile.TemporaryDirectory(prefix='mmstcr_dry_run_') as tmp:
        video_dir = osp.join(tmp, 'videos')
        os.makedirs(video_dir)
        write_tiny_video(osp.join(video_dir, 'tiny.mp4'))
        for index, (key, entry) in enumerate(keys.items()):
            start = time.time()
            work_dir = osp.join(tmp, f'model{index}')
            os.makedirs(work_dir)
            sizes = sorted(entry['sizes'], reverse=True)
            try:
                results[key] = run_key(entry['cfg'], sizes, work_dir,
                                       video_dir)
            except Exception as err:  # building the run failed
                if os.environ.get('MMSTCR_DRY_RUN_TRACEBACK'):
                    traceback.print_exc()
                results[key] = {
                    s: f'{type(err).__name__}: {err}'.splitlines()[0]
                    for s in sizes
                }
            failed = sum(1 for v in results[key].values() if v)
            log(f'[{index + 1}/{len(keys)}] batch sizes {sizes}: '
                f'{failed} failed, {time.time() - start:.1f} s')
    for row in rows:
        outcome = results[config_keys[row['config']]]
        errors = [f'batch {s}: {outcome[s]}' for s in row['sizes']
                  if outcome.get(s)]
        if 0 in row['batches_per_rank']:
            errors.insert(0, 'a rank gets no batch: its epochs train nothing')
        row['result'] = 'ok' if not errors else '; '.join(errors)
    return rows


def _compress(values: Sequence[int]) -> str:
    """``[1, 1, 1, 1]`` -> ``'1 x4'``; otherwise comma-separated."""
    if len(set(values)) == 1:
        return f'{values[0]} x{len(values)}' if len(values) > 1 else str(
            values[0])
    return ','.join(str(v) for v in values)


def format_table(rows: Sequence[dict]) -> str:
    """The rows as a Markdown table."""
    head = ('| config | dataset (videos) | world size | batch/GPU, '
            'drop_last | batches per rank | last batch per rank | result |')
    lines = [head, '|' + '---|' * 7]
    for row in rows:
        lines.append(
            f"| {row['config']} | {row['dataset']} ({row['length']:,}) | "
            f"{row['world_size']} | {row['batch_size']}, "
            f"{row['drop_last']} | {_compress(row['batches_per_rank'])} | "
            f"{_compress(row['last_batch_per_rank'])} | {row['result']} |")
    return '\n'.join(lines)


def parse_args(argv=None):
    parser = argparse.ArgumentParser(
        description='Dry-run training configs at the official dataset '
        'sizes and world sizes (one shrunk iteration per batch size).')
    parser.add_argument(
        'configs', nargs='*',
        help='configs to check (default: every training config)')
    parser.add_argument(
        '--world-sizes', type=int, nargs='+', default=list(WORLD_SIZES))
    parser.add_argument('--json', help='also write the rows to this file')
    return parser.parse_args(argv)


def main(argv=None) -> int:
    args = parse_args(argv)
    paths = [osp.abspath(p) for p in args.configs] or training_configs()
    start = time.time()
    rows = run(paths, args.world_sizes,
               log=lambda msg: print(msg, file=sys.stderr, flush=True))
    print(format_table(rows))
    failed = [row for row in rows if row['result'] != 'ok']
    print(f'\n{len(rows)} rows ({len(paths)} configs x dataset sizes x '
          f'world sizes {args.world_sizes}), {len(failed)} failed, '
          f'{time.time() - start:.0f} s')
    if args.json:
        with open(args.json, 'w') as f:
            json.dump(rows, f, indent=1)
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main())
