"""Where a pretraining checkpoint has collapsed, and how much gradient its
stages pass to finetuning, against random initialisation.

    python tools/analysis/collapse_probe.py FINETUNE_CONFIG CHECKPOINT
        [--num-clips 32] [--seed 0] [--cfg-options K=V ...] [--out probe.md]

``FINETUNE_CONFIG`` is a ``Recognizer3D`` config (its train pipeline and
list give the clips); ``CHECKPOINT`` an STCR (or any) checkpoint with
``backbone.*`` weights. For the random initialisation (same seed) and for
the checkpoint's backbone it measures, on ``--num-clips`` training clips in
train mode:

- ``feat_std_ratio`` of every backbone stage (the collapse signal that
  STCR pretraining logs: spread over clips of the L2-normalised spatially
  max-pooled map, times ``sqrt(D)``);
- the norm of the finetuning loss's gradient in every stage and in the
  head, at the first step (the new head is the same in both);
- how invariant every stage is to a left-right flip: the mean cosine
  similarity of a clip's globally pooled features and its flip's (1 means
  the stage cannot tell a motion from its mirror image);
- how much every stage sees the motion: the same similarity between a clip
  and the static clip that repeats its middle frame (1 means the stage
  reads appearance only);
- the norm of every stage's conv weights (batch norm makes them scale-free,
  so a larger norm means a smaller relative step of the same optimiser).

It prints a Markdown table (docs/collapse.md shows one). With
``--finetune-steps N`` it also finetunes, from the same clips, ``N`` steps
of the config's optimiser and batch size for each of: the random
initialisation, the checkpoint, the checkpoint with the head's dropout off,
and the checkpoint with its last stage re-initialised; then it reports the
mean training loss of the first and last 10 steps and the top-1 of the
config's validation videos (one clip each). This separates the candidate
causes of a stalled finetuning.
"""
import argparse
import copy
import logging
import os.path as osp
import sys

REPO = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
sys.path.insert(0, REPO)

import numpy as np  # noqa: E402
import torch  # noqa: E402
from mmengine.config import Config, DictAction  # noqa: E402
from mmengine.dataset import pseudo_collate  # noqa: E402
from mmengine.runner import set_random_seed  # noqa: E402

from mmstcr.models.recognizers.collapse_signal import (  # noqa: E402
    StageProbe, default_stage_names)
from mmstcr.models.utils import (load_backbone_strict,  # noqa: E402
                                 load_state_dict_file, split_by_prefix)


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('config')
    parser.add_argument('checkpoint')
    parser.add_argument('--num-clips', type=int, default=32)
    parser.add_argument('--seed', type=int, default=0)
    parser.add_argument('--out', help='write the table here')
    parser.add_argument('--finetune-steps', type=int, default=0)
    parser.add_argument(
        '--num-train-clips', type=int, default=120,
        help='clips the short finetunings draw their batches from')
    parser.add_argument('--cfg-options', nargs='+', action=DictAction)
    return parser.parse_args(argv)


def static_clip(clips: torch.Tensor) -> torch.Tensor:
    """``N x C x T x H x W`` clips -> the same shape, every frame the clip's
    middle one: the appearance without the motion."""
    middle = clips[:, :, clips.size(2) // 2:clips.size(2) // 2 + 1]
    return middle.expand_as(clips).contiguous()


def pair_similarity(model, inputs, stages, transform):
    """``{stage: mean cosine similarity}`` of each clip's globally pooled
    stage features and those of ``transform(clip)`` (1 = the stage cannot
    tell them apart)."""
    clips = inputs.flatten(0, 1)  # N x C x T x H x W
    pooled = {}
    hooks = [
        model.backbone.get_submodule(name).register_forward_hook(
            lambda mod, args, out, name=name: pooled.setdefault(
                name, []).append(out.mean(dim=(2, 3, 4))))
        for name in stages
    ]
    with torch.no_grad():
        model.backbone(clips)
        model.backbone(transform(clips))
    for hook in hooks:
        hook.remove()
    return {
        name: torch.nn.functional.cosine_similarity(
            pooled[name][0], pooled[name][1], dim=1).mean().item()
        for name in stages
    }


def weight_norms(model, stages):
    """``{stage: L2 norm of its conv weights}`` (the weights batch norm
    makes scale-free: Adam's relative step on them is lr / norm)."""
    norms = {}
    for name in stages:
        module = model.backbone.get_submodule(name)
        norms[name] = float(sum(
            m.weight.detach().norm()**2 for m in module.modules()
            if isinstance(m, torch.nn.modules.conv._ConvNd))**0.5)
    return norms


def probe(model, batch, stages):
    """``{measure: {stage: value}}`` of one batch: ``spread``
    (feat_std_ratio), ``grad`` (norm of the finetuning loss's gradient),
    ``flip`` and ``static`` (similarity to the left-right flip and to the
    static clip) and ``weight`` (conv weight norm)."""
    stage_probe = StageProbe(model.backbone, stages)
    model.train()
    model.zero_grad()
    data = model.data_preprocessor(batch, True)
    loss = model(**data, mode='loss')['loss_cls']
    loss.backward()
    signals = stage_probe.signals(None)  # all clips of the batch
    stage_probe.remove()
    spread = {
        name: signals[f'feat_std_ratio/{name}'].item()
        for name in stages
    }
    flips = pair_similarity(model, data['inputs'], stages,
                            lambda clips: clips.flip(-1))
    static = pair_similarity(model, data['inputs'], stages, static_clip)
    grads = {}
    for name in stages + ['cls_head']:
        module = (model.cls_head if name == 'cls_head' else
                  model.backbone.get_submodule(name))
        grads[name] = float(
            sum(p.grad.norm()**2 for p in module.parameters()
                if p.grad is not None)**0.5)
    return dict(spread=spread, grad=grads, flip=flips, static=static,
                weight=weight_norms(model, stages))


def short_finetune(model, train, val, cfg, steps, seed):
    """``(first-10 mean loss, last-10 mean loss, val top-1)``."""
    from mmengine.optim import build_optim_wrapper
    optim = build_optim_wrapper(model, cfg.optim_wrapper)
    rng = np.random.RandomState(seed + 1)
    size = cfg.train_dataloader.batch_size
    losses = []
    model.train()
    for _ in range(steps):
        pick = rng.choice(len(train), size, replace=False)
        data = model.data_preprocessor(
            pseudo_collate([train[i] for i in pick]), True)
        loss = model(**data, mode='loss')['loss_cls']
        optim.update_params(loss)
        losses.append(loss.item())
    model.eval()
    correct = 0
    with torch.no_grad():
        for i in range(0, len(val), 16):
            data = model.data_preprocessor(pseudo_collate(val[i:i + 16]),
                                           False)
            for sample in model(**data, mode='predict'):
                correct += int(
                    sample.pred_scores.item.argmax().item() == int(
                        sample.gt_labels.item))
    return (float(np.mean(losses[:10])), float(np.mean(losses[-10:])),
            correct / max(1, len(val)))


def finetune_table(cfg, args, build, train, val) -> str:
    lines = ['| finetuning from | loss, first 10 steps | loss, last 10 '
             'steps | val top-1 |', '|---|---:|---:|---:|']
    variants = (('random init', dict(load=False)), ('checkpoint', dict()),
                ('checkpoint, head dropout 0', dict(dropout=0.)),
                ('checkpoint, last stage re-initialised',
                 dict(reinit_last=True)))
    for name, kwargs in variants:
        model = build(**kwargs)
        first, last, top1 = short_finetune(model, train, val, cfg,
                                           args.finetune_steps, args.seed)
        lines.append(f'| {name} | {first:.3f} | {last:.3f} | '
                     f'{100 * top1:.1f} |')
    return '\n'.join(lines)


def main(argv=None) -> int:
    args = parse_args(argv)
    logging.disable(logging.INFO)  # MMEngine's init and dataset reports
    import mmstcr  # noqa: F401
    from mmaction.registry import DATASETS, MODELS
    from mmaction.utils import register_all_modules
    register_all_modules()
    cfg = Config.fromfile(args.config)
    if args.cfg_options:
        cfg.merge_from_dict(args.cfg_options)
    dataset = DATASETS.build(cfg.train_dataloader.dataset)
    index = np.random.RandomState(args.seed).permutation(
        len(dataset))[:args.num_clips]
    batch = pseudo_collate([dataset[int(i)] for i in index])
    state = split_by_prefix(load_state_dict_file(args.checkpoint)[0],
                            'backbone.')[0]

    def build(load=True, dropout=None, reinit_last=False):
        set_random_seed(args.seed)
        model_cfg = copy.deepcopy(cfg.model)
        if dropout is not None:
            model_cfg.cls_head.dropout_ratio = dropout
        model = MODELS.build(model_cfg)
        model.init_weights()
        if load:
            weights = dict(state)
            if reinit_last:  # keep the last stage's random weights
                last = default_stage_names(model.backbone)[-1] + '.'
                fresh = model.backbone.state_dict()
                weights.update({k: v for k, v in fresh.items()
                                if k.startswith(last)})
            load_backbone_strict(model.backbone, weights, args.checkpoint)
        return model

    rows = {}
    for name, load in (('random init', False), ('checkpoint', True)):
        model = build(load=load)
        stages = default_stage_names(model.backbone)
        rows[name] = probe(model, batch, stages)
    stages = list(rows['random init']['spread'])
    lines = ['| measure | ' + ' | '.join(stages + ['head']) + ' |',
             '|---|' + '---:|' * (len(stages) + 1)]
    for key, label, fmt in (
            ('spread', 'feat_std_ratio', '{:.3f}'),
            ('flip', 'left-right flip similarity', '{:.3f}'),
            ('static', 'static-clip similarity', '{:.3f}'),
            ('weight', 'conv weight norm', '{:.2f}')):
        for name, row in rows.items():
            lines.append(f'| {label}, {name} | ' + ' | '.join(
                fmt.format(row[key][s]) for s in stages) + ' | - |')
    for name, row in rows.items():
        lines.append(f'| gradient norm, {name} | ' +
                     ' | '.join(f'{row["grad"][s]:.4f}'
                                for s in stages + ['cls_head']) + ' |')
    ratio = [rows['random init']['grad'][s] /
             max(rows['checkpoint']['grad'][s], 1e-12)
             for s in stages + ['cls_head']]
    lines.append('| gradient ratio, random / checkpoint | ' +
                 ' | '.join(f'{r:.1f}x' for r in ratio) + ' |')
    table = '\n'.join(lines)
    if args.finetune_steps > 0:
        train_index = np.random.RandomState(args.seed).permutation(
            len(dataset))[:args.num_train_clips]
        train = [dataset[int(i)] for i in train_index]
        val_set = DATASETS.build(cfg.val_dataloader.dataset)
        val = [val_set[i] for i in range(len(val_set))]
        table += '\n\n' + finetune_table(cfg, args, build, train, val)
    print(table)
    if args.out:
        with open(args.out, 'w') as f:
            f.write(table + '\n')
    return 0


if __name__ == '__main__':
    sys.exit(main())
