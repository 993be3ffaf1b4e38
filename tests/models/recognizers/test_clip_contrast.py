"""The contrastive baseline on 2-clip tuples (``B x 4 x C x T x H x W``):
ClipContrastHead alone (PretextRecognizer) and plus STCR
(ClipTupleSTCRRecognizer), trained with ``train_step``."""
import itertools
import random

import pytest
import torch
import torch.nn as nn
from mmaction.structures import ActionDataSample
from mmengine.optim import OptimWrapper

import mmstcr  # noqa: F401
from mmstcr.models.heads import ChannelDescriptorHead, ClipContrastHead
from mmstcr.models.recognizers import (ClipTupleSTCRRecognizer,
                                       PretextRecognizer)

CODES = list(itertools.product(range(4), range(4)))
B, C, T, S = 6, 8, 4, 8  # videos, backbone channels, frames, side


def make(consistency=True, seed=0):
    torch.manual_seed(seed)
    backbone = nn.Sequential(
        nn.Conv3d(3, C, kernel_size=3, padding=1), nn.BatchNorm3d(C),
        nn.ReLU())
    head = ClipContrastHead(in_channels=C, hidden_channels=16,
                            out_channels=8)
    if not consistency:
        return PretextRecognizer(backbone=backbone, pretext_head=head)
    return ClipTupleSTCRRecognizer(
        backbone=backbone,
        cw_head=ChannelDescriptorHead(in_channels=C, temporal_size=T),
        pretext_head=head)


def batch(num=B, seed=0):
    """What PackClipTuple hands the data loader: per video ``4 x C x T x H x
    W`` uint8 (clip 0 clean, clip 0 noise, clip 1 clean, clip 1 noise) and
    a data sample with both clips' metainfo."""
    gen = torch.Generator().manual_seed(seed)
    rng = random.Random(seed)
    inputs, samples = [], []
    for _ in range(num):
        inputs.append(
            torch.randint(0, 256, (4, 3, T, S, S), generator=gen,
                          dtype=torch.uint8))
        samples.append(ActionDataSample(metainfo=dict(
            num_clips=2,
            clip_metainfo=tuple(
                dict(stt_code=rng.choice(CODES)) for _ in range(2)))))
    return dict(inputs=inputs, data_samples=samples)


def sgd(model, lr):
    return OptimWrapper(torch.optim.SGD(model.parameters(), lr=lr))


@pytest.mark.parametrize('consistency', [False, True])
def test_loss_keys_and_finite_losses(consistency):
    model = make(consistency)
    log = model.train_step(batch(), sgd(model, 1e-3))
    expected = {'loss_nce', 'nce_acc', 'nce_pos_cos', 'feat_std'}
    if consistency:
        expected |= {'loss_tw', 'loss_cw'}
    assert expected <= set(log)
    assert ('loss_tw' in log) == consistency
    for key, value in log.items():
        assert torch.isfinite(torch.as_tensor(value)), (key, value)
    # the total MMEngine optimises is the sum of the loss keys
    parts = [v for k, v in log.items() if k.startswith('loss_')]
    assert log['loss'].item() == pytest.approx(
        sum(p.item() for p in parts), rel=1e-5)


def test_the_head_contrasts_clip_0_with_clip_1_of_each_video():
    model = make(consistency=True)
    model.eval()  # batch norm with running statistics: clip by clip works
    data = model.data_preprocessor(batch(), training=False)
    losses = model(**data, mode='loss')
    x = data['inputs']  # B x 4 x C x T x H x W
    with torch.no_grad():
        feats = torch.stack(
            [model.backbone(x[:, 0]), model.backbone(x[:, 2])], dim=1)
    expected = model.pretext_head.loss(feats, None, data['data_samples'])
    torch.testing.assert_close(losses['loss_nce'], expected['loss_nce'])


@pytest.mark.parametrize('consistency', [False, True])
def test_one_video_batch_trains_without_nan(consistency):
    model = make(consistency)
    log = model.train_step(batch(num=1), sgd(model, 1e-3))
    assert log['loss_nce'].item() == 0  # no negative: nothing to contrast
    for key, value in log.items():
        assert torch.isfinite(torch.as_tensor(value)), (key, value)


@pytest.mark.parametrize('consistency', [False, True])
def test_loss_strictly_decreases_on_a_fixed_batch(consistency):
    """Gradient descent with a small step on a fixed batch lowers a smooth
    loss at every step; with batch norm in training mode the loss is a
    deterministic function of the parameters on that batch. Alone, that is
    InfoNCE: the softmax weight each clip gives its own video's other clip,
    against the batch's other videos, grows at every step. Plus STCR, the
    sum of the three losses is what the step lowers.

    The positives' own cosine similarity is not bound to rise (InfoNCE can
    also fall by pushing negatives apart); here it rises after 5 steps, as
    it did for each of 15 seeds of model and batch, alone and plus STCR."""
    model = make(consistency)
    optim = sgd(model, 1e-3)
    data = batch()
    key = 'loss' if consistency else 'loss_nce'
    logs = [model.train_step(data, optim) for _ in range(6)]
    values = [log[key].item() for log in logs]
    drops = [a - b for a, b in zip(values, values[1:])]
    assert all(d > 0 for d in drops), values
    assert logs[-1]['nce_pos_cos'] > logs[0]['nce_pos_cos']
