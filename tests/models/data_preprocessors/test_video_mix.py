"""Table 1's batch noise variants, checked against NumPy blends computed
from what each transform recorded."""
import numpy as np
import pytest
import torch
from mmaction.registry import MODELS
from mmaction.structures import ActionDataSample

from mmstcr.models import (InterVideoMixup, STCRDataPreprocessor, VideoCutMix,
                           VideoMixup)
from mmstcr.models.data_preprocessors.video_mix import (cutmix_box,
                                                        draw_partners)

B, C, T, H, W = 5, 3, 4, 8, 10


def _batch(batch=B, seed=0):
    g = torch.Generator().manual_seed(seed)
    inputs = torch.randn(batch, 2, C, T, H, W, generator=g)
    return inputs, [ActionDataSample() for _ in range(batch)]


@pytest.mark.parametrize('batch', [2, 3, 5, 8])
def test_partners_are_a_derangement(batch):
    for seed in range(50):
        partner = draw_partners(batch, torch.Generator().manual_seed(seed))
        assert sorted(partner.tolist()) == list(range(batch))  # permutation
        assert all(int(partner[i]) != i for i in range(batch))
    # every other sample is drawn as a partner of sample 0 at some point
    seen = {int(draw_partners(batch)[0]) for _ in range(200)}
    assert seen == set(range(1, batch))


def test_video_mixup_equals_numpy_blend():
    torch.manual_seed(1)
    inputs, samples = _batch()
    out, samples = VideoMixup(alpha=1.0)(inputs, samples)
    x = inputs.double().numpy()
    for i, s in enumerate(samples):
        p, lam = s.metainfo['mix_partner'], s.metainfo['mix_lambda']
        assert p != i and 0 <= lam <= 1
        want = (1 - lam) * x[i, 1] + lam * x[p, 0]  # frame t with frame t
        np.testing.assert_allclose(out[i, 1].numpy(), want, atol=1e-6)
    torch.testing.assert_close(out[:, 0], inputs[:, 0], rtol=0, atol=0)


def test_video_cutmix_replaces_the_recorded_box():
    torch.manual_seed(2)
    inputs, samples = _batch()
    out, samples = VideoCutMix(alpha=1.0)(inputs, samples)
    x = inputs.numpy()
    for i, s in enumerate(samples):
        p, lam = s.metainfo['mix_partner'], s.metainfo['mix_lambda']
        y1, x1, y2, x2 = s.metainfo['mix_box']
        want = x[i, 1].copy()
        want[:, :, y1:y2, x1:x2] = x[p, 0][:, :, y1:y2, x1:x2]
        np.testing.assert_array_equal(out[i, 1].numpy(), want)
        assert lam == pytest.approx((y2 - y1) * (x2 - x1) / (H * W))
    torch.testing.assert_close(out[:, 0], inputs[:, 0], rtol=0, atol=0)


def test_cutmix_box_by_hand():
    for seed in range(20):
        for lam in (0.0, 0.09, 0.25, 0.5, 1.0):
            box = cutmix_box(lam, 20, 30, torch.Generator().manual_seed(seed))
            # the same centre draws, then the CutMix box by hand
            g = torch.Generator().manual_seed(seed)
            cy = int(torch.randint(20, (1, ), generator=g))
            cx = int(torch.randint(30, (1, ), generator=g))
            h, w = int(20 * np.sqrt(lam)), int(30 * np.sqrt(lam))
            top, left = cy - h // 2, cx - w // 2
            want = (max(top, 0), max(left, 0), min(top + h, 20),
                    min(left + w, 30))
            assert box == want, (seed, lam)
            assert 0 <= box[0] <= box[2] <= 20 and 0 <= box[1] <= box[3] <= 30
    # lam = 0.25 away from the border: exactly a quarter of the frame
    g = torch.Generator().manual_seed(0)
    boxes = [cutmix_box(0.25, 20, 40, g) for _ in range(200)]
    inner = [b for b in boxes if b[0] > 0 and b[1] > 0 and b[2] < 20
             and b[3] < 40]
    assert inner and all((b[2] - b[0], b[3] - b[1]) == (10, 20)
                         for b in inner)


def test_inter_video_mixup_adds_one_partner_frame_to_every_frame():
    torch.manual_seed(3)
    inputs, samples = _batch()
    out, samples = InterVideoMixup(alpha=0.5)(inputs, samples)
    x = inputs.double().numpy()
    for i, s in enumerate(samples):
        p, lam, k = (s.metainfo[key]
                     for key in ('mix_partner', 'mix_lambda', 'mix_frame'))
        assert p != i and 0 <= k < T
        for t in range(T):
            want = (1 - lam) * x[i, 1, :, t] + lam * x[p, 0, :, k]
            np.testing.assert_allclose(out[i, 1, :, t].numpy(), want,
                                       atol=1e-6)


@pytest.mark.parametrize('cls', [VideoMixup, VideoCutMix, InterVideoMixup])
def test_batch_of_one_is_left_unchanged(cls):
    inputs, samples = _batch(batch=1)
    out, samples = cls()(inputs, samples)
    torch.testing.assert_close(out, inputs, rtol=0, atol=0)
    assert samples[0].metainfo['mix_partner'] == -1
    assert samples[0].metainfo['mix_lambda'] == 0.0


def test_lambda_follows_beta():
    torch.manual_seed(4)
    inputs, samples = _batch(batch=400)
    _, samples = VideoMixup(alpha=0.2)(inputs, samples)
    lams = np.array([s.metainfo['mix_lambda'] for s in samples])
    # Beta(0.2, 0.2) is U-shaped: most mass near 0 and 1, mean 1/2
    assert abs(lams.mean() - 0.5) < 0.08
    assert np.mean((lams < 0.1) | (lams > 0.9)) > 0.5


def test_reproducible_under_the_global_seed():
    runs = []
    for _ in range(2):
        torch.manual_seed(7)
        inputs, samples = _batch()
        out, samples = InterVideoMixup()(inputs, samples)
        runs.append((out, [s.metainfo['mix_frame'] for s in samples]))
    torch.testing.assert_close(runs[0][0], runs[1][0], rtol=0, atol=0)
    assert runs[0][1] == runs[1][1]


@pytest.mark.parametrize('name', ['VideoMixup', 'VideoCutMix',
                                  'InterVideoMixup'])
def test_registered_repr_bad_args_and_in_the_preprocessor(name):
    t = MODELS.build(dict(type=name, alpha=0.4))
    assert repr(t) == f'{name}(alpha=0.4)'
    for bad in (0, -1.0, float('inf'), True, 'x'):
        with pytest.raises(ValueError, match=f'{name}: alpha'):
            MODELS.build(dict(type=name, alpha=bad))
    with pytest.raises(ValueError, match='B x 2 x C x T x H x W'):
        t(torch.zeros(2, C, T, H, W), [ActionDataSample()] * 2)
    # in the data preprocessor: training only, after normalisation
    dp = STCRDataPreprocessor(
        format_shape='NCTHW', batch_transforms=[dict(type=name)])
    inputs, samples = _batch(batch=3)
    data = dict(inputs=list(inputs), data_samples=samples)
    plain = dp(dict(data), training=False)
    assert 'mix_partner' not in plain['data_samples'][0].metainfo
    torch.manual_seed(0)
    mixed = dp(dict(inputs=list(inputs),
                    data_samples=[ActionDataSample() for _ in range(3)]),
               training=True)
    assert all('mix_partner' in s.metainfo for s in mixed['data_samples'])
    torch.testing.assert_close(mixed['inputs'][:, 0], inputs[:, 0])
