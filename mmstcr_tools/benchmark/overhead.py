"""The framework's overhead: clips per second of a pretraining run through
MMEngine's Runner against a bare PyTorch loop over the same model config,
batch size, dataset and pipeline, measured side by side in one process."""
import copy
import time
from typing import Dict, List

import torch
from mmaction.registry import DATASETS, MODELS
from mmengine.dataset import pseudo_collate
from torch.utils.data import DataLoader

from .engine import run_training, runner_cfg, train_loader


def _clips_per_sample(sample: Dict) -> int:
    inputs = sample['inputs']
    return inputs.size(0) if inputs.dim() == 5 else 1


def bare_loop_seconds(model_cfg: dict, dataset_cfg: dict, batch_size: int,
                      iters: int, warmup: int, optimizer: dict,
                      seed: int) -> List[float]:
    """Per-iteration seconds (after ``warmup``) of a plain loop: a torch
    DataLoader, the model's data preprocessor and loss, backward, the optimiser's step."""
    torch.manual_seed(seed)
    model = MODELS.build(copy.deepcopy(model_cfg))
    model.init_weights()
    model.train()
    dataset = DATASETS.build(copy.deepcopy(dataset_cfg))
    opt_cfg = dict(optimizer)
    opt = getattr(torch.optim, opt_cfg.pop('type'))(model.parameters(),
                                                    **opt_cfg)
    loader = DataLoader(dataset, batch_size=batch_size, shuffle=True,
                        num_workers=0, collate_fn=pseudo_collate,
                        drop_last=True)
    times, it = [], iter(loader)
    for step in range(warmup + iters):
        start = time.perf_counter()
        try:
            batch = next(it)
        except StopIteration:
            it = iter(loader)
            batch = next(it)
        data = model.data_preprocessor(batch, True)
        losses = model(**data, mode='loss')
        loss = sum(v for k, v in losses.items() if 'loss' in k)
        opt.zero_grad()
        loss.backward()
        opt.step()
        if step >= warmup:
            times.append(time.perf_counter() - start)
    return times


def measure_overhead(model_cfg: dict, dataset_cfg: dict, batch_size: int,
                     iters: int, warmup: int, optimizer: dict, work_dir: str,
                     seed: int = 0, rounds: int = 2) -> dict:
    """Runner and bare loop, alternating for ``rounds`` rounds of
    ``iters`` timed steps each; returns seconds per step, clips per second
    (a two-view sample counts two clips) and the ratio runner / bare."""
    clips = batch_size * _clips_per_sample(
        DATASETS.build(copy.deepcopy(dataset_cfg))[0])
    runner_times, bare_times = [], []
    for r in range(rounds):
        cfg = runner_cfg(model_cfg,
                         train_loader(copy.deepcopy(dataset_cfg), batch_size),
                         warmup + iters, optimizer, f'{work_dir}/runner{r}',
                         seed, 'overhead', log_interval=1000)
        res = run_training(cfg)
        runner_times += res.iter_times[warmup:]
        bare_times += bare_loop_seconds(model_cfg, dataset_cfg, batch_size,
                                        iters, warmup, optimizer, seed)
    runner_step = sum(runner_times) / len(runner_times)
    bare_step = sum(bare_times) / len(bare_times)
    return dict(
        clips_per_step=clips,
        timed_steps=len(runner_times),
        runner_step_s=runner_step,
        bare_step_s=bare_step,
        runner_clips_per_s=clips / runner_step,
        bare_clips_per_s=clips / bare_step,
        ratio=bare_step / runner_step)
