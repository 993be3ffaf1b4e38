"""The definitions behind the paper's figures 4, 5 and 7, on toy backbones
and hand computations; video listing and checkpoint loading of the tools."""
import builtins
import os.path as osp

import numpy as np
import pytest
import torch
import torch.nn as nn

import mmstcr  # noqa: F401
from mmstcr_tools.visualization.motion_heatmap import (
    motion_heatmap, scale_01, shown_frames)
from mmstcr_tools.visualization.stt_consistency import (
    STT_CODES, code_label, consistency_errors, consistency_matrix,
    summarise_errors, transformed_descriptors)
from mmstcr_tools.visualization.tsne_features import (
    pooled_features, run_tsne, tsne_embedding)
from mmstcr_tools.visualization.video_features import (build_backbones,
                                                       list_videos, load_clip)

TINY_CONFIG = '''
default_scope = 'mmaction'
custom_imports = dict(imports=['mmstcr'], allow_failed_imports=False)
model = dict(
    type='STCRRecognizer',
    backbone=dict(type='C3DConv', base_channels=2),
    cw_head=dict(type='ChannelDescriptorHead', in_channels=16,
                 temporal_size=1),
    data_preprocessor=dict(type='ActionDataPreprocessor',
                           mean=[100., 100., 100.], std=[50., 50., 50.],
                           format_shape='NCTHW'))
'''


class Pointwise(nn.Module):
    """A 1x1x1 conv and a ReLU: commutes exactly with every flip and
    rotation, so ``T^-1 F(T x) == F(x)``."""

    def __init__(self):
        super().__init__()
        torch.manual_seed(0)
        self.conv = nn.Conv3d(3, 5, 1)

    def forward(self, x):
        return torch.relu(self.conv(x))


class TimeRamp(nn.Module):
    """``F(x)[c, t] = (t + 1) x[c, t]``: not equivariant to a temporal
    flip, exactly equivariant to spatial flips and rotations."""

    def __init__(self):
        super().__init__()
        self.dummy = nn.Parameter(torch.zeros(1))  # gives a device

    def forward(self, x):
        ramp = torch.arange(1, x.size(2) + 1, dtype=x.dtype)
        return x * ramp.view(1, 1, -1, 1, 1)


def test_code_order_puts_temporal_flips_in_the_right_half():
    assert len(STT_CODES) == 16 and len(set(STT_CODES)) == 16
    assert STT_CODES[0] == (0, 0)
    for c in range(8):
        z1, z2 = STT_CODES[c]
        assert z1 in (0, 1)
        assert STT_CODES[c + 8] == (z1 + 2, z2)  # + temporal flip
    assert [code_label(c) for c in STT_CODES[:5]] == [
        'id0', 'id90', 'id180', 'id270', 'H0'
    ]
    assert code_label((3, 3)) == 'TH270'


def test_consistency_error_is_zero_for_an_equivariant_backbone():
    torch.manual_seed(1)
    clip = torch.randn(3, 4, 6, 6)
    errors = consistency_errors(transformed_descriptors(Pointwise(), clip))
    assert errors.shape == (16, )
    assert errors.abs().max() == 0
    assert summarise_errors(errors)['error'] == 0


def test_consistency_error_is_positive_for_a_real_conv():
    """The check above has teeth: a 3x3x3 conv does not commute."""
    torch.manual_seed(1)
    conv = nn.Conv3d(3, 4, 3, padding=1)
    clip = torch.randn(3, 4, 6, 6)
    errors = consistency_errors(transformed_descriptors(conv, clip))
    assert errors[0] == 0  # the identity is its own reference
    assert (errors[1:] > 1e-4).all()


def test_consistency_error_by_hand():
    """Spatially constant clip with values a_t: under the time ramp, the 8
    temporal-flip codes give psi = a_t (T - t) instead of a_t (t + 1)."""
    a = torch.tensor([1.0, -2.0, 0.5, 3.0])
    num_t = len(a)
    clip = a.view(1, num_t, 1, 1).expand(3, num_t, 4, 4).clone()
    descs = transformed_descriptors(TimeRamp(), clip)
    t = torch.arange(num_t, dtype=torch.float64)
    a = a.double()
    expected_temporal = float(((a * (t + 1) - a * (num_t - t))**2).sum() /
                              (a * (t + 1)).pow(2).sum())
    errors = consistency_errors(descs)
    for code, error in zip(STT_CODES, errors.tolist()):
        if code[0] in (2, 3):
            assert error == pytest.approx(expected_temporal, rel=1e-6)
        else:
            assert error == pytest.approx(0.0, abs=1e-12)
    summary = summarise_errors(errors)
    assert summary['error'] == pytest.approx(8 * expected_temporal / 15)
    assert summary['temporal'] == pytest.approx(expected_temporal)
    assert summary['spatial'] == pytest.approx(0.0, abs=1e-12)
    # the matrix: T' rows x 16 codes, column c = channel mean of psi(f_c)
    matrix = consistency_matrix(descs)
    assert matrix.shape == (num_t, 16)
    np.testing.assert_allclose(matrix[:, 0], (a * (t + 1)).numpy())
    np.testing.assert_allclose(matrix[:, 8], (a * (num_t - t)).numpy())
    np.testing.assert_allclose(
        consistency_matrix(descs, channel=2), matrix)  # channels agree


def test_consistency_error_undefined_for_a_zero_reference():
    errors = consistency_errors(torch.zeros(16, 2, 3))
    assert torch.isnan(errors).all()


def test_motion_heatmap_by_hand():
    feats = torch.tensor([  # 1 x C=2 x T=2 x 2 x 2
        [[[1., 0.], [0., 0.]], [[0., 4.], [0., 0.]]],
        [[[3., 0.], [0., 2.]], [[1., 0.], [0., 0.]]],
    ])[None]
    heat = motion_heatmap(feats, (2, 2))  # same size: no interpolation
    # max over time: c0 [[1, 4], [0, 0]], c1 [[3, 0], [0, 2]]; mean over c
    torch.testing.assert_close(heat[0], torch.tensor([[2., 2.], [0., 1.]]))
    big = motion_heatmap(feats, (8, 8))[0]
    assert big.shape == (8, 8)
    # the bright top row stays on top, the dark bottom-left corner stays
    assert big[:4].mean() > big[4:].mean()
    assert big[7, 0] == big.min()
    np.testing.assert_allclose(scale_01(big.numpy()).max(), 1.0)
    assert (scale_01(np.full((3, 3), 5.0)) == 0).all()
    assert shown_frames(16, 4) == [0, 5, 10, 15]
    assert shown_frames(2, 4) == [0, 1]


def test_pooled_features_by_hand():
    feats = torch.arange(16, dtype=torch.float32).view(1, 2, 2, 2, 2)
    torch.testing.assert_close(
        pooled_features(feats, 'avg'), torch.tensor([[3.5, 11.5]]))
    torch.testing.assert_close(
        pooled_features(feats, 'max'), torch.tensor([[7., 15.]]))
    assert pooled_features(feats, 'avg', normalize=True).norm() == \
        pytest.approx(1.0)
    with pytest.raises(ValueError, match='pool'):
        pooled_features(feats, 'sum')


def test_tsne_without_scikit_learn_says_what_to_install(monkeypatch):
    real_import = builtins.__import__

    def no_sklearn(name, *args, **kwargs):
        if name == 'sklearn' or name.startswith('sklearn.'):
            raise ImportError(f'No module named {name!r}')
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, '__import__', no_sklearn)
    with pytest.raises(ImportError, match='pip install scikit-learn'):
        tsne_embedding(np.random.rand(6, 4))
    with pytest.raises(ImportError, match='pip install scikit-learn'):
        run_tsne(None, [], 'unused.png')


def test_tsne_embedding_small_set():
    pytest.importorskip('sklearn')
    rng = np.random.default_rng(0)
    features = np.concatenate([rng.normal(0, 1, (4, 8)),
                               rng.normal(20, 1, (4, 8))])
    points = tsne_embedding(features, seed=0)
    assert points.shape == (8, 2) and np.isfinite(points).all()
    # two far-apart groups stay apart
    within = np.linalg.norm(points[:4].mean(0) - points[:4], axis=1).max()
    between = np.linalg.norm(points[:4].mean(0) - points[4:].mean(0))
    assert between > within


def test_list_videos_from_ann_file_and_folder(tiny_video_dataset, tmp_path):
    ds = tiny_video_dataset
    items = list_videos(ds.ann_file, ds.video_dir)
    assert [i.label for i in items] == list(ds.labels)
    assert all(osp.isfile(i.path) for i in items)
    assert items[0].class_name == 'class0' and items[0].name == 'video000'
    assert len(list_videos(ds.ann_file, ds.video_dir, max_videos=2)) == 2

    folder = list_videos(ds.video_dir)
    assert len(folder) == ds.num_videos
    assert {(i.class_name, i.label) for i in folder} == {
        ('class0', 0), ('class1', 1), ('class2', 2)}
    # the annotation file's folder is the default root: here it is wrong
    with pytest.raises(FileNotFoundError, match='video-root'):
        list_videos(ds.ann_file)
    empty = tmp_path / 'empty'
    empty.mkdir()
    with pytest.raises(ValueError, match='no videos'):
        list_videos(str(empty))


def test_load_clip(tiny_video_dataset):
    path = list_videos(tiny_video_dataset.ann_file,
                       tiny_video_dataset.video_dir)[0].path
    frames, clip = load_clip(path, clip_len=4, frame_interval=2, size=24)
    assert frames.shape == (4, 24, 24, 3) and frames.dtype == np.uint8
    assert clip.shape == (3, 4, 24, 24)
    torch.testing.assert_close(clip.permute(1, 2, 3, 0),
                               torch.from_numpy(frames).float())


@pytest.fixture
def tiny_config(tmp_path):
    path = tmp_path / 'tiny_stcr.py'
    path.write_text(TINY_CONFIG)
    return str(path)


def _stcr_state(config, seed):
    from mmaction.registry import MODELS
    from mmengine import Config
    torch.manual_seed(seed)
    model = MODELS.build(Config.fromfile(config).model)
    model.init_weights()
    return model.state_dict()


@pytest.mark.parametrize('kind', ['stcr', 'recognizer3d', 'bare'])
def test_build_backbones_loads_every_checkpoint_kind(tiny_config, tmp_path,
                                                     kind):
    state = _stcr_state(tiny_config, seed=7)
    backbone = {
        k[len('backbone.'):]: v
        for k, v in state.items() if k.startswith('backbone.')
    }
    if kind == 'recognizer3d':
        state = {f'backbone.{k}': v for k, v in backbone.items()}
        state.update({'cls_head.fc_cls.weight': torch.zeros(3, 16),
                      'cls_head.fc_cls.bias': torch.zeros(3)})
    elif kind == 'bare':
        state = backbone
    ckpt = str(tmp_path / 'ckpt.pth')
    torch.save(dict(meta=dict(), state_dict=state), ckpt)

    pair = build_backbones(tiny_config, ckpt, seed=3)
    assert not pair.random.training and not pair.trained.training
    assert pair.mean == [100.0] * 3 and pair.std == [50.0] * 3
    for key, value in pair.trained.state_dict().items():
        assert torch.equal(value, backbone[key]), key
    again = build_backbones(tiny_config, ckpt, seed=3).random.state_dict()
    random = pair.random.state_dict()
    assert all(torch.equal(random[k], again[k]) for k in random)  # seeded
    assert not torch.equal(random['conv1a.conv.weight'],
                           backbone['conv1a.conv.weight'])


def test_build_backbones_refuses_another_architecture(tiny_config,
                                                      tmp_path):
    state = _stcr_state(tiny_config, seed=7)
    state.pop('backbone.conv5b.conv.weight')
    ckpt = str(tmp_path / 'broken.pth')
    torch.save(dict(meta=dict(), state_dict=state), ckpt)
    with pytest.raises(RuntimeError, match='conv5b'):
        build_backbones(tiny_config, ckpt)
    with pytest.raises(FileNotFoundError):
        build_backbones(tiny_config, str(tmp_path / 'nothing.pth'))
