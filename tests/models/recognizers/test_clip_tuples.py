"""ClipTupleSTCRRecognizer on tuples of clips (B x 2N inputs), against
STCRRecognizer's one-clip path run clip by clip; PretextRecognizer on the
same tuples."""
import itertools
import random

import pytest
import torch
import torch.nn as nn
from mmaction.structures import ActionDataSample

import mmstcr  # noqa: F401
from mmstcr.models.heads import ChannelDescriptorHead, ClipOrderHead
from mmstcr.models.recognizers import (ClipTupleSTCRRecognizer,
                                       PretextRecognizer, STCRRecognizer)

CODES = list(itertools.product(range(4), range(4)))
B, N = 2, 3


def backbone():
    torch.manual_seed(0)
    return nn.Sequential(nn.Conv3d(3, 4, kernel_size=3, padding=1),
                         nn.ReLU())


class SpyHead(nn.Module):
    """Records what the recognizer hands to a pretext head."""

    def __init__(self):
        super().__init__()
        self.scale = nn.Parameter(torch.ones(()))
        self.calls = []

    def loss(self, feats_clean, feats_noise, data_samples):
        self.calls.append((feats_clean, feats_noise, data_samples))
        return dict(loss_spy=self.scale * feats_clean.mean())


def make(cls=ClipTupleSTCRRecognizer, **kwargs):
    torch.manual_seed(1)
    head = ChannelDescriptorHead(in_channels=4, temporal_size=4)
    return cls(backbone=backbone(), cw_head=head, **kwargs)


def tuples(seed=0):
    torch.manual_seed(seed)
    inputs = torch.randn(B, 2 * N, 3, 4, 6, 6)
    rng = random.Random(seed)
    samples = []
    for b in range(B):
        sample = ActionDataSample()
        sample.set_metainfo(dict(
            clip_order_label=b, num_clips=N,
            clip_metainfo=tuple(dict(stt_code=rng.choice(CODES))
                                for _ in range(N))))
        samples.append(sample)
    return inputs, samples


def test_tuples_equal_the_clips_run_one_by_one():
    model = make(pretext_head=SpyHead())
    inputs, samples = tuples()
    losses = model(inputs, samples, mode='loss')
    # the same B * N clips as an ordinary B*N x 2 batch, built by loops
    clips = torch.stack([
        torch.stack([inputs[b, 2 * n], inputs[b, 2 * n + 1]])
        for b in range(B) for n in range(N)
    ])
    clip_samples = []
    for sample in samples:
        for meta in sample.metainfo['clip_metainfo']:
            clip_samples.append(ActionDataSample())
            clip_samples[-1].set_metainfo(dict(meta))
    ref = make(STCRRecognizer)(clips, clip_samples, mode='loss')
    for key in ('loss_tw', 'loss_cw', 'feat_std'):
        torch.testing.assert_close(losses[key], ref[key])
    # the head: maps grouped per video, tuple order; video-level samples
    feats_clean, feats_noise, given = model.pretext_heads[0].calls[-1]
    assert feats_clean.shape == (B, N, 4, 4, 6, 6)
    assert feats_noise.shape == (B, N, 4, 4, 6, 6)
    assert given is samples
    for b in range(B):
        for n in range(N):
            torch.testing.assert_close(
                feats_clean[b, n],
                model.backbone(inputs[b, 2 * n:2 * n + 1])[0])
    # mode='tensor' gives every clip's clean map, video-major
    out = model(inputs, mode='tensor')
    torch.testing.assert_close(out, feats_clean.flatten(0, 1))


def test_one_clip_path_is_unchanged_for_heads():
    model = make(pretext_head=SpyHead())
    inputs = torch.randn(2, 2, 3, 4, 6, 6)
    samples = [ActionDataSample(metainfo=dict(stt_code=(1, 2)))
               for _ in range(2)]
    model(inputs, samples, mode='loss')
    assert model.pretext_heads[0].calls[-1][0].shape == (2, 4, 4, 6, 6)


def test_pretext_alone_runs_only_the_clean_clips():
    head = ClipOrderHead(in_channels=4, num_clips=N, hidden_channels=8)
    model = PretextRecognizer(backbone=backbone(), pretext_head=head)
    assert not hasattr(model, 'cw_head_clean')
    seen = []
    model.backbone.register_forward_hook(
        lambda m, args, out: seen.append(args[0]))
    inputs, samples = tuples()
    losses = model(inputs, samples, mode='loss')
    assert 'loss_tw' not in losses and 'loss_cw' not in losses
    assert set(losses) >= {'loss_vcop', 'vcop_acc', 'feat_std'}
    [clips] = seen  # one pass, clean clips only
    torch.testing.assert_close(clips, inputs[:, 0::2].flatten(0, 1))
    losses['loss_vcop'].backward()
    assert model.backbone[0].weight.grad.abs().sum() > 0
    # the trainable parameters are the backbone's and the head's
    names = {n.split('.')[0] for n, _ in model.named_parameters()}
    assert names == {'backbone', 'pretext_heads'}


def test_pretext_alone_needs_a_head():
    for heads in (None, []):
        with pytest.raises(ValueError, match='needs a pretext_head'):
            PretextRecognizer(backbone=backbone(), pretext_head=heads)


def test_the_one_clip_class_refuses_tuples():
    inputs, samples = tuples()
    with pytest.raises(ValueError, match=r'STCRRecognizer expects .*B x 2 x'):
        make(STCRRecognizer)(inputs, samples, mode='loss')


def test_tuple_errors():
    model = make()
    inputs, samples = tuples()
    samples[1] = ActionDataSample(metainfo=dict(stt_code=(0, 0)))
    with pytest.raises(ValueError, match=r"data sample 1 .*clip_metainfo"):
        model(inputs, samples, mode='loss')
    with pytest.raises(ValueError, match='B x 2N'):
        model(torch.randn(2, 5, 3, 4, 6, 6), samples, mode='loss')
