import itertools

import numpy as np
import pytest
import torch
from mmaction.registry import MODELS
from mmaction.structures import ActionDataSample

import mmstcr  # noqa: F401  (registers the modules)
from mmstcr.datasets.transforms import (IntraVideoMixup,
                                        SpatioTemporalTransform)
from mmstcr.models.data_preprocessors import DeviceSTTMixup

CODES = list(itertools.product(range(4), range(4)))


def _clips(batch, t=4, size=6, seed=0):
    rng = np.random.default_rng(seed)
    return rng.integers(0, 256, size=(batch, t, size, size, 3),
                        dtype=np.uint8)  # B x T x H x W x C


def _pipeline(clip, code, lam, frame):
    """The pipeline transforms on one T x H x W x C clip."""
    frames = SpatioTemporalTransform.apply_to_frames(list(clip), code)
    return IntraVideoMixup.mix(frames, lam, frame,
                               out_dtype='float32')  # T x H x W x C


def test_equals_the_pipeline_for_all_16_codes():
    clips = _clips(len(CODES))
    lams = torch.linspace(0.05, 0.95, len(CODES), dtype=torch.float64)
    frames = torch.arange(len(CODES)) % 4
    noise = torch.from_numpy(clips).permute(0, 4, 1, 2, 3).float()
    out = DeviceSTTMixup.transform(noise, CODES, lams, frames)  # B C T H W
    for i, code in enumerate(CODES):
        expected = _pipeline(clips[i], code, float(lams[i]), int(frames[i]))
        np.testing.assert_allclose(
            out[i].permute(1, 2, 3, 0).numpy(), expected, rtol=1e-6,
            atol=1e-4)
    # STT only: exactly the pipeline's flips and rotations
    out = DeviceSTTMixup.transform(noise, CODES)
    for i, code in enumerate(CODES):
        expected = np.stack(
            SpatioTemporalTransform.apply_to_frames(list(clips[i]), code))
        np.testing.assert_array_equal(out[i].permute(1, 2, 3, 0).numpy(),
                                      expected)


def test_forward_records_what_it_drew_and_keeps_the_clean_view():
    torch.manual_seed(0)
    batch = 64
    clips = _clips(batch)
    clean = torch.from_numpy(_clips(batch, seed=1)).permute(0, 4, 1, 2, 3)
    noise = torch.from_numpy(clips).permute(0, 4, 1, 2, 3)
    inputs = torch.stack([clean, noise], 1).float()
    samples = [ActionDataSample() for _ in range(batch)]
    transform = MODELS.build(dict(type='DeviceSTTMixup'))
    out, samples = transform(inputs, samples)
    assert out.shape == inputs.shape
    torch.testing.assert_close(out[:, 0], inputs[:, 0], rtol=0, atol=0)
    seen = set()
    for i, sample in enumerate(samples):
        meta = sample.metainfo
        code, lam, k = meta['stt_code'], meta['mixup_lambda'], \
            meta['mixup_frame']
        assert 0 <= lam <= 1 and 0 <= k < 4
        seen.add(code)
        expected = _pipeline(clips[i], code, lam, k)
        np.testing.assert_allclose(out[i, 1].permute(1, 2, 3, 0).numpy(),
                                   expected, rtol=1e-6, atol=1e-4)
    assert len(seen) > 10  # 64 draws of 16 codes


def test_in_the_data_preprocessor_only_in_training():
    preprocessor = MODELS.build(
        dict(type='STCRDataPreprocessor', format_shape='NCTHW',
             mean=[0., 0., 0.], std=[1., 1., 1.],
             batch_transforms=[dict(type='DeviceSTTMixup', mixup=False,
                                    flips=('temporal', ), rotations=(0, ))]))
    clip = torch.from_numpy(_clips(2)).permute(0, 4, 1, 2, 3)
    data = dict(inputs=[torch.stack([c, c]) for c in clip],
                data_samples=[ActionDataSample() for _ in range(2)])
    out = preprocessor(data, training=True)
    torch.testing.assert_close(out['inputs'][:, 1],
                               clip.float().flip(2))
    assert out['data_samples'][0].metainfo['stt_code'] == (2, 0)
    data = dict(inputs=[torch.stack([c, c]) for c in clip],
                data_samples=[ActionDataSample() for _ in range(2)])
    out = preprocessor(data, training=False)
    torch.testing.assert_close(out['inputs'][:, 1], clip.float())


def test_a_preprocessor_holding_it_moves_to_a_device():
    """``model.to(device)`` (which MMEngine's Runner calls on every model)
    runs ``nn.Module.apply`` over every submodule, so the transform must not
    hide it: ``configs/stcr/stcr-device-aug_i3d-r50_8xb8-16x4x1-50e_ucf101-split1-rgb.py`` could not
    build a Runner while it did."""
    preprocessor = MODELS.build(
        dict(type='STCRDataPreprocessor', format_shape='NCTHW',
             mean=[0., 0., 0.], std=[1., 1., 1.],
             batch_transforms=[dict(type='DeviceSTTMixup')]))
    seen = []
    preprocessor.apply(lambda module: seen.append(type(module).__name__))
    assert 'DeviceSTTMixup' in seen
    assert preprocessor.to('cpu') is preprocessor


@pytest.mark.parametrize('kwargs, name', [
    (dict(flips=('diagonal', )), 'diagonal'), (dict(rotations=(45, )), '45'),
    (dict(alpha=0), 'alpha=0'), (dict(lambda_law='x'), "'x'"),
    (dict(vtdl_scale=2), 'vtdl_scale=2'), (dict(flips=()), 'flips'),
])
def test_bad_arguments(kwargs, name):
    with pytest.raises(ValueError, match=name):
        DeviceSTTMixup(**kwargs)
