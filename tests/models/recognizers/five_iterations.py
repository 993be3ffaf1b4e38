"""Five seeded training iterations of a pretraining config (shrunk), for
the new recognizer classes and for the single class they replaced
(``legacy_stcr_recognizer.py``), on the same batches.

Each config's model is shrunk as the dry run shrinks it
(``tools/analysis/dry_run_configs.py``: narrow backbone, heads fitted to its
map), its training pipeline reads one small generated video, and each model
takes 5 SGD steps (lr 0.05, momentum 0.9) on the same 5 batches of 2
samples. Gradients flow from the first step on, so a changed stop-gradient,
target or predictor changes the losses of steps 2-5.
"""
import copy
import glob
import importlib.util
import os.path as osp
from typing import Dict, List, Tuple

import torch

REPO = osp.dirname(osp.dirname(osp.dirname(osp.dirname(
    osp.abspath(__file__)))))
ITERATIONS, BATCH = 5, 2
PRETRAINERS = ('STCRRecognizer', 'SimSiamSTCRRecognizer',
               'BYOLSTCRRecognizer', 'VICRegSTCRRecognizer',
               'ClipTupleSTCRRecognizer', 'PretextRecognizer')


def dry_run_tool():
    spec = importlib.util.spec_from_file_location(
        'dry_run_configs',
        osp.join(REPO, 'tools', 'analysis', 'dry_run_configs.py'))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def pretraining_configs(tool) -> List[str]:
    """Every config under configs/ (not _base_/) whose model is one of the
    pretraining recognizers, relative to the repository."""
    paths = []
    for path in sorted(glob.glob(osp.join(REPO, 'configs', '**', '*.py'),
                                 recursive=True)):
        if '_base_' in path.split(osp.sep):
            continue
        cfg = tool.load_config(path)
        if cfg.get('model') and cfg.model.get('type') in PRETRAINERS:
            paths.append(osp.relpath(path, REPO))
    return paths


def legacy_kwargs(model: dict) -> dict:
    """The old class's arguments for a new model config: one flag per
    counter-measure, ``consistency=False`` for a pretext task alone."""
    kwargs = copy.deepcopy(model)
    kind = kwargs.pop('type')
    predictor = kwargs.get('predictor')
    if isinstance(predictor, dict) and 'in_channels' not in predictor:
        # the old class took the widths from the config only
        channels = kwargs['cw_head']['in_channels']
        kwargs['predictor'] = dict(
            dict(hidden_channels=channels // 4), **predictor,
            in_channels=channels)
    if kind == 'SimSiamSTCRRecognizer':
        kwargs['stop_grad_clean'] = True
    elif kind == 'BYOLSTCRRecognizer':
        kwargs.setdefault('target_momentum', 0.01)
    elif kind == 'VICRegSTCRRecognizer':
        kwargs.setdefault(
            'desc_loss',
            dict(type='VarianceCovarianceLoss', var_weight=1.0,
                 cov_weight=0.04))
    elif kind == 'PretextRecognizer':
        kwargs.update(consistency=False, cw_head=None)
    return kwargs


def batches(cfg, video_dir: str) -> List[dict]:
    """5 collated batches of the config's training pipeline, seeded."""
    from mmengine.dataset import pseudo_collate
    from mmengine.runner import set_random_seed

    from mmaction.registry import DATASETS
    dataset_cfg = copy.deepcopy(cfg.train_dataloader.dataset)
    dataset_cfg.update(
        ann_file=osp.join(video_dir, 'ann.txt'),
        data_prefix=dict(video=video_dir))
    set_random_seed(0)
    dataset = DATASETS.build(dataset_cfg)
    return [
        pseudo_collate([dataset[0] for _ in range(BATCH)])
        for _ in range(ITERATIONS)
    ]


def train(model: torch.nn.Module, data: List[dict]) -> List[Dict[str, float]]:
    """The logged values of one SGD step per batch (the RNG seeded per
    step, for augmentations run on the device)."""
    from mmengine.optim import OptimWrapper
    optim = OptimWrapper(
        torch.optim.SGD(model.parameters(), lr=0.05, momentum=0.9))
    model.train()
    logs = []
    for step, batch in enumerate(data):
        torch.manual_seed(step)
        log_vars = model.train_step(copy.deepcopy(batch), optim)
        logs.append({
            k: float(v.detach() if torch.is_tensor(v) else v)
            for k, v in log_vars.items()
        })
    return logs


def build_both(model_cfg: dict) -> Tuple[torch.nn.Module, torch.nn.Module]:
    """The new model and the old class from the same config and seed."""
    from mmengine.runner import set_random_seed

    from mmaction.registry import MODELS
    from legacy_stcr_recognizer import LegacySTCRRecognizer
    set_random_seed(0)
    new = MODELS.build(copy.deepcopy(model_cfg))
    new.init_weights()
    set_random_seed(0)
    old = LegacySTCRRecognizer(**legacy_kwargs(model_cfg))
    old.init_weights()
    return new, old
