import numpy as np
import pytest
import torch
from mmengine.dataset import pseudo_collate

import mmstcr  # noqa: F401  (registers the transforms)
from mmaction.registry import MODELS, TRANSFORMS
from mmstcr.datasets.transforms import PackSTCRInputs


def make_clip(t=4, h=6, w=6, c=3, offset=0):
    """T x H x W x C clip whose value encodes its position: t y x c digits."""
    tt, yy, xx, cc = np.meshgrid(
        np.arange(t), np.arange(h), np.arange(w), np.arange(c),
        indexing='ij')
    return (offset + tt * 1000 + yy * 100 + xx * 10 + cc).astype(np.uint16)


def make_results(**extra):
    results = dict(
        imgs=list(make_clip()),
        noise_imgs=list(make_clip(offset=10000).astype(np.float32)),
        img_shape=(6, 6),
        stt_code=(3, 1),
        mixup_lambda=0.25,
        mixup_frame=2,
        crop_bbox=np.array([1, 0, 7, 6]),
        noise_crop_bbox=np.array([0, 2, 6, 8]),
        filename='v.mp4')
    results.update(extra)
    return results


def label_of(data_sample):
    if 'gt_label' in data_sample:  # MMAction2 >= 1.2
        return data_sample.gt_label
    return data_sample.gt_labels.item  # MMAction2 1.1


def test_layout_and_values():
    pack = TRANSFORMS.build(dict(type='PackSTCRInputs'))
    packed = pack(make_results())
    assert set(packed) == {'inputs', 'data_samples'}
    inputs = packed['inputs']
    assert isinstance(inputs, torch.Tensor)
    assert inputs.dtype == torch.float32
    assert inputs.shape == (2, 3, 4, 6, 6)  # views x C x T x H x W
    # view 0 = clean, view 1 = noise; (c, t, y, x) from (t, y, x, c)
    assert inputs[0, 2, 3, 1, 4].item() == 3000 + 100 + 40 + 2
    assert inputs[1, 0, 1, 5, 0].item() == 10000 + 1000 + 500
    np.testing.assert_array_equal(inputs[0].permute(1, 2, 3, 0).numpy(),
                                  make_clip())
    np.testing.assert_array_equal(inputs[1].permute(1, 2, 3, 0).numpy(),
                                  make_clip(offset=10000))


def test_metainfo():
    packed = PackSTCRInputs()(make_results(label=5, stt_code=[3, 1]))
    meta = packed['data_samples'].metainfo
    assert set(meta) == {
        'img_shape', 'stt_code', 'mixup_lambda', 'mixup_frame', 'crop_bbox',
        'noise_crop_bbox'
    }
    assert meta['stt_code'] == (3, 1)
    assert meta['img_shape'] == (6, 6)
    assert meta['mixup_lambda'] == 0.25 and meta['mixup_frame'] == 2
    np.testing.assert_array_equal(meta['noise_crop_bbox'], [0, 2, 6, 8])
    assert label_of(packed['data_samples']).tolist() == [5]


def test_missing_stt_code_is_identity():
    # STT off (Table 2 "IM only"): the model must see the identity code.
    results = make_results()
    del results['stt_code'], results['mixup_frame']
    meta = PackSTCRInputs()(results)['data_samples'].metainfo
    assert meta['stt_code'] == (0, 0)
    assert 'mixup_frame' not in meta
    # no label in results: no ground truth label in the data sample
    data_sample = PackSTCRInputs()(results)['data_samples']
    assert 'gt_label' not in data_sample and 'gt_labels' not in data_sample


def test_custom_meta_keys_and_noise_key():
    results = make_results()
    results['views'] = results.pop('noise_imgs')
    pack = PackSTCRInputs(meta_keys=('stt_code', 'filename'),
                          noise_key='views')
    packed = pack(results)
    assert dict(packed['data_samples'].metainfo) == {
        'stt_code': (3, 1),
        'filename': 'v.mp4'
    }
    assert packed['inputs'][1, 0, 0, 0, 0].item() == 10000


def test_bad_results():
    pack = PackSTCRInputs()
    results = make_results()
    del results['noise_imgs']
    with pytest.raises(KeyError, match="'noise_imgs'.*v.mp4"):
        pack(results)
    results = make_results(noise_imgs=list(make_clip(w=5)))
    with pytest.raises(ValueError,
                       match=r'\(4, 6, 6, 3\).*\(4, 6, 5, 3\).*v\.mp4'):
        pack(results)
    with pytest.raises(ValueError, match=r'stt_code.*v\.mp4.*\(5, 0\)'):
        pack(make_results(stt_code=(5, 0)))


@pytest.mark.parametrize('kwargs, name', [
    (dict(meta_keys='stt_code'), "meta_keys.*'stt_code'"),
    (dict(meta_keys=('img_shape', 3)), r"\('img_shape', 3\)"),
    (dict(meta_keys=('img_shape', )), r"'stt_code'.*\('img_shape',\)"),
    (dict(noise_key='imgs'), "noise_key.*'imgs'"),
    (dict(noise_key=''), "noise_key.*''"),
])
def test_bad_arguments(kwargs, name):
    with pytest.raises(ValueError, match=name):
        PackSTCRInputs(**kwargs)


def test_repr():
    text = repr(PackSTCRInputs(meta_keys=['stt_code'], noise_key='n'))
    assert text == "PackSTCRInputs(meta_keys=('stt_code',), noise_key='n')"


def test_action_data_preprocessor_stacks_and_normalises_both_views():
    mean, std = [10.0, 20.0, 30.0], [2.0, 4.0, 5.0]
    preprocessor = MODELS.build(
        dict(
            type='ActionDataPreprocessor',
            mean=mean,
            std=std,
            format_shape='NCTHW'))
    pack = PackSTCRInputs()
    samples = [
        pack(make_results(stt_code=(1, 2))),
        pack(make_results(stt_code=(0, 3), imgs=list(make_clip() + 7)))
    ]
    data = preprocessor(pseudo_collate(samples), training=True)
    inputs = data['inputs']
    assert inputs.shape == (2, 2, 3, 4, 6, 6)  # B x views x C x T x H x W
    for b in range(2):
        for view in range(2):
            for c in range(3):
                expected = (samples[b]['inputs'][view, c] - mean[c]) / std[c]
                torch.testing.assert_close(inputs[b, view, c], expected)
    # one hand-computed value: noise view of sample 1, channel 2, t=1,
    # y=2, x=3: (10000 + 1000 + 200 + 30 + 2 - 30) / 5
    assert inputs[1, 1, 2, 1, 2, 3].item() == pytest.approx(11202 / 5)
    codes = [s.metainfo['stt_code'] for s in data['data_samples']]
    assert codes == [(1, 2), (0, 3)]


def test_views_of_all_16_codes_pack_to_the_transformed_clip():
    import itertools

    from mmstcr.datasets.transforms import SpatioTemporalTransform
    from mmstcr.structures import apply_stt
    rng = np.random.default_rng(0)
    clip = rng.integers(0, 256, size=(3, 7, 7, 3), dtype=np.uint8)
    for code in itertools.product(range(4), range(4)):
        noise = SpatioTemporalTransform.apply_to_frames(list(clip), code)
        packed = PackSTCRInputs()(
            dict(imgs=list(clip), noise_imgs=noise, stt_code=code))
        inputs = packed['inputs']  # 2 x C x T x H x W
        assert inputs.dtype == torch.uint8  # no mixup ran: uint8 kept
        np.testing.assert_array_equal(
            inputs[1].permute(1, 2, 3, 0).numpy(),
            apply_stt(clip, code, t_axis=0, h_axis=1, w_axis=2))
        np.testing.assert_array_equal(inputs[0].permute(1, 2, 3, 0).numpy(),
                                      clip)


def _mixup_then_pack(noise_frames, between=None):
    from mmstcr.datasets.transforms import IntraVideoMixup
    clip = make_clip().astype(np.uint8)
    results = IntraVideoMixup()(dict(imgs=list(clip), noise_imgs=noise_frames,
                                     stt_code=(2, 1)))
    if between is not None:
        between(results)
    mixed = list(results['noise_imgs'])
    return clip, results, mixed, PackSTCRInputs()(results)


def test_pack_after_mixup_copies_both_views_into_its_own_buffer():
    from mmstcr.datasets.transforms import IntraVideoMixup
    np.random.seed(3)
    noise = list(make_clip(offset=7)[:, ::-1].astype(np.uint8))  # views
    clip, results, mixed, packed = _mixup_then_pack(noise)
    inputs = packed['inputs']
    assert inputs.dtype == torch.uint8  # the rounded blend stays uint8
    # the pack owns its memory: the mixup's frames are not part of it
    assert not any(np.shares_memory(f, inputs.numpy()) for f in mixed)
    assert set(results) >= {'mixup_lambda', 'mixup_frame'}
    # values: recomputable from the recorded lambda and frame
    lam = packed['data_samples'].metainfo['mixup_lambda']
    k = packed['data_samples'].metainfo['mixup_frame']
    np.testing.assert_array_equal(
        inputs[1].permute(1, 2, 3, 0).numpy(),
        IntraVideoMixup.mix(np.stack(noise), lam, k))
    np.testing.assert_array_equal(inputs[0].permute(1, 2, 3, 0).numpy(),
                                  clip)
    # a second pack of the same results makes its own buffer and leaves
    # the first one alone
    before = inputs.clone()
    results['imgs'] = list(clip[::-1])
    again = PackSTCRInputs()(results)['inputs']
    torch.testing.assert_close(inputs, before, rtol=0, atol=0)
    assert not np.shares_memory(again.numpy(), inputs.numpy())
    np.testing.assert_array_equal(again[1].numpy(), inputs[1].numpy())


@pytest.mark.parametrize('change', ['replace', 'reorder', 'flip'])
def test_pack_takes_the_noise_view_as_left_after_mixup(change):
    np.random.seed(4)
    noise = list(make_clip(offset=7).astype(np.uint8))

    def between(results):
        frames = results['noise_imgs']
        results['noise_imgs'] = {
            'replace': [f + 1 for f in frames],
            'reorder': frames[::-1],
            'flip': [f[:, ::-1] for f in frames],
        }[change]

    _, results, mixed, packed = _mixup_then_pack(noise, between)
    np.testing.assert_array_equal(
        packed['inputs'][1].permute(1, 2, 3, 0).numpy(), np.stack(mixed))
    assert not any(
        np.shares_memory(f, packed['inputs'].numpy()) for f in mixed)


def test_uint8_views_stay_uint8_and_mixed_dtypes_become_float32():
    from mmstcr.datasets.transforms import PackSTCRInputs
    rng = np.random.default_rng(3)
    clip = rng.integers(0, 256, (4, 6, 6, 3), dtype=np.uint8)
    noise = np.flip(clip, axis=2)  # a view, as the STT leaves it
    out = PackSTCRInputs()(dict(imgs=list(clip), noise_imgs=list(noise)))
    assert out['inputs'].dtype == torch.uint8
    np.testing.assert_array_equal(out['inputs'][1].permute(1, 2, 3, 0),
                                  noise)
    out = PackSTCRInputs()(
        dict(imgs=list(clip), noise_imgs=list(noise.astype(np.float32))))
    assert out['inputs'].dtype == torch.float32
    np.testing.assert_array_equal(out['inputs'][0].permute(1, 2, 3, 0),
                                  clip.astype(np.float32))
