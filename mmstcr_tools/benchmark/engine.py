"""Build and run MMEngine runners from config dicts, in this process: one
per pretraining and one per finetuning.

Each runner gets a fresh work dir under the benchmark's, logs to its own
file there (full MMEngine logs), and is quiet on the console. No
checkpoint hook runs: the trained backbone's state is taken from the
runner's model and handed on in memory (written once to a small file for
``load_from`` when finetuning)."""
import contextlib
import copy
import logging
import os
import os.path as osp
import sys
import time
from dataclasses import dataclass
from typing import Dict, List, Optional

import torch
from mmengine.logging import MMLogger
from mmengine.runner import Runner

_RUN_COUNT = [0]


def _unique(name: str) -> str:
    _RUN_COUNT[0] += 1
    return f'{name}-{os.getpid()}-{_RUN_COUNT[0]}'


def quiet_console() -> None:
    """Console output of the current MMEngine logger at WARNING; its log
    file keeps everything."""
    logger = MMLogger.get_current_instance()
    for handler in logger.handlers:
        if type(handler) is logging.StreamHandler:
            handler.setLevel(logging.WARNING)
            if getattr(handler.stream, 'closed', False):
                handler.stream = sys.stdout


def dataset_cfg(array_file: str, rows: List[int], pipeline: List[dict],
                labels: Optional[List[int]] = None,
                test_mode: bool = False) -> dict:
    return dict(type='ArrayVideoDataset', array_file=array_file,
                rows=list(rows), labels=labels, pipeline=pipeline,
                test_mode=test_mode)


def train_loader(dataset: dict, batch_size: int) -> dict:
    return dict(
        batch_size=batch_size,
        num_workers=0,
        sampler=dict(type='InfiniteSampler', shuffle=True),
        collate_fn=dict(type='pseudo_collate'),
        dataset=dataset)


def runner_cfg(model: dict, loader: dict, iters: int, optimizer: dict,
               work_dir: str, seed: int, name: str,
               custom_imports: Optional[dict] = None,
               log_interval: int = 50) -> dict:
    """An iteration-based training run: SGD with a cosine schedule to 0
    over ``iters`` steps, no checkpoints, no validation."""
    cfg = dict(
        model=copy.deepcopy(model),
        work_dir=work_dir,
        experiment_name=_unique(name),
        train_dataloader=loader,
        train_cfg=dict(type='IterBasedTrainLoop', max_iters=iters,
                       val_interval=iters + 1),
        optim_wrapper=dict(type='OptimWrapper',
                           optimizer=copy.deepcopy(optimizer)),
        param_scheduler=[
            dict(type='CosineAnnealingLR', T_max=iters, by_epoch=False,
                 begin=0, end=iters, eta_min=0.)
        ],
        default_hooks=dict(
            runtime_info=dict(type='RuntimeInfoHook'),
            timer=dict(type='IterTimerHook'),
            logger=dict(type='LoggerHook', interval=log_interval,
                        log_metric_by_epoch=False),
            param_scheduler=dict(type='ParamSchedulerHook'),
            checkpoint=None,
            sampler_seed=dict(type='DistSamplerSeedHook')),
        log_processor=dict(type='LogProcessor', window_size=log_interval,
                           by_epoch=False),
        randomness=dict(seed=seed),
        env_cfg=dict(cudnn_benchmark=False,
                     dist_cfg=dict(backend='gloo')),
        default_scope='mmaction',
        log_level='INFO')
    # custom_imports: imported by the caller (the Runner takes no such key)
    return cfg


@dataclass
class TrainResult:
    backbone: Dict[str, torch.Tensor]  # the trained backbone's state
    seconds: float  # wall time of runner.train()
    iter_times: List[float]  # per-iteration times of IterTimerHook
    final_losses: Dict[str, float]  # the last logged scalars


def build_runner(cfg: dict) -> Runner:
    # The runner's logger binds its console handler to sys.stdout when it is
    # built: build it into /dev/null, then let only warnings through.
    with open(os.devnull, 'w') as null, contextlib.redirect_stdout(null):
        runner = Runner(**cfg)
    quiet_console()
    return runner


def run_training(cfg: dict) -> TrainResult:
    """Build a runner from ``cfg``, train, and return the backbone."""
    runner = build_runner(cfg)
    start = time.perf_counter()
    runner.train()
    seconds = time.perf_counter() - start
    hub = runner.message_hub
    times = []
    if 'train/time' in hub.log_scalars:
        times = [float(v) for v in hub.get_scalar('train/time').data[0]]
    losses = {
        k.split('/', 1)[1]: float(v.current())
        for k, v in hub.log_scalars.items()
        if k.startswith('train/') and k not in ('train/time',
                                                'train/data_time', 'train/lr')
    }
    backbone = {
        k: v.detach().clone()
        for k, v in runner.model.backbone.state_dict().items()
    }
    return TrainResult(backbone, seconds, times, losses)


def save_backbone(state: Dict[str, torch.Tensor], path: str) -> str:
    """A checkpoint holding ``backbone.*`` only, for ``load_from``."""
    os.makedirs(osp.dirname(path), exist_ok=True)
    torch.save(
        dict(state_dict={f'backbone.{k}': v
                         for k, v in state.items()}), path)
    return path
