"""The figure tools (paper figures 4, 5, 7) end to end: a tiny R3D STCR
checkpoint, 8-frame 32 px videos.

Each test captures the matplotlib figure the tool draws (its
``save_figure``) and compares what is drawn (heatmap arrays, scatter
points and colours, titles and labels) and what is printed with the
figure's definition recomputed here by hand: the backbones are rebuilt
from the config and the checkpoint, the STT applied with ``torch.flip`` and
``torch.rot90``, bilinear upsampling written as a matrix, the silhouette
written out in NumPy.
"""
import glob
import importlib
import importlib.util
import os.path as osp
import re

import matplotlib.image as mpimg
import numpy as np
import pytest
import torch
from matplotlib import colormaps
from mmengine import Config

import mmstcr  # noqa: F401
from mmaction.registry import MODELS
from mmaction.utils import register_all_modules
from mmstcr_tools.visualization.video_features import load_clip

REPO = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
TOOLS = osp.join(REPO, 'tools', 'analysis')

# R3D-18 with 8 base channels; strides chosen so that 8 x 32 x 32 clips give
# a 64 x 4 x 4 x 4 map (T' x H' large enough to draw).
TINY_STCR_R3D = '''
default_scope = 'mmaction'
custom_imports = dict(imports=['mmstcr'], allow_failed_imports=False)
model = dict(
    type='STCRRecognizer',
    backbone=dict(
        type='ResNet3d', depth=18, pretrained=None, pretrained2d=False,
        base_channels=8, with_pool2=False, conv1_kernel=(3, 7, 7),
        conv1_stride_t=1, pool1_stride_t=1, inflate=(1, 1, 1, 1),
        spatial_strides=(1, 1, 2, 1), temporal_strides=(1, 1, 2, 1),
        zero_init_residual=False),
    cw_head=dict(type='ChannelDescriptorHead', in_channels=64,
                 temporal_size=4),
    data_preprocessor=dict(
        type='ActionDataPreprocessor', mean=[123.675, 116.28, 103.53],
        std=[58.395, 57.12, 57.375], format_shape='NCTHW'))
'''
CLIP = ['--clip-len', '8', '--frame-interval', '1', '--size', '32']
MEAN = torch.tensor([123.675, 116.28, 103.53]).view(3, 1, 1, 1)
STD = torch.tensor([58.395, 57.12, 57.375]).view(3, 1, 1, 1)
MODEL_NAMES = ('random init', 'checkpoint')
# the 16 STT codes c = 4 * z1 + z2 as the x axis of figure 4
CODE_LABELS = [
    f'{flip}{degrees}' for flip in ('id', 'H', 'T', 'TH')
    for degrees in (0, 90, 180, 270)
]

register_all_modules(init_default_scope=True)


@pytest.fixture(scope='module')
def tiny_run(tmp_path_factory):
    """A tiny STCR config and a checkpoint of it (another seed than the
    tools' random init)."""
    root = tmp_path_factory.mktemp('figure_tools')
    config = root / 'tiny_stcr_r3d.py'
    config.write_text(TINY_STCR_R3D)
    torch.manual_seed(5)
    model = MODELS.build(Config.fromfile(str(config)).model)
    model.init_weights()
    with torch.no_grad():  # make the checkpoint clearly not an init
        for name, param in model.backbone.named_parameters():
            if name.endswith('bn.bias'):
                param.add_(0.1 * torch.randn_like(param))
    ckpt = root / 'epoch_1.pth'
    torch.save(dict(meta=dict(), state_dict=model.state_dict()), str(ckpt))
    return str(config), str(ckpt)


@pytest.fixture(scope='module')
def backbones(tiny_run):
    """``{'random init': ..., 'checkpoint': ...}`` rebuilt by hand: the
    config's backbone after ``torch.manual_seed(0)`` and ``init_weights()``
    (the tools' default seed), and one with the checkpoint's
    ``backbone.*`` weights; both in eval mode."""
    config, ckpt = tiny_run
    cfg = Config.fromfile(config)
    torch.manual_seed(0)
    random = MODELS.build(cfg.model.backbone)
    random.init_weights()
    trained = MODELS.build(cfg.model.backbone)
    state = torch.load(ckpt, map_location='cpu')['state_dict']
    trained.load_state_dict({
        key[len('backbone.'):]: value
        for key, value in state.items() if key.startswith('backbone.')
    })
    for backbone in (random, trained):
        backbone.eval()
    return dict(zip(MODEL_NAMES, (random, trained)))


def _tool(name):
    spec = importlib.util.spec_from_file_location(
        f'figure_tool_{name}', osp.join(TOOLS, f'{name}.py'))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _capture_figures(monkeypatch, module_name):
    """Record every figure ``mmstcr_tools.visualization.<module_name>``
    saves."""
    module = importlib.import_module(
        f'mmstcr_tools.visualization.{module_name}')
    figures = []
    save = module.save_figure

    def capture(fig, out_file, dpi=100):
        figures.append(fig)
        return save(fig, out_file, dpi)

    monkeypatch.setattr(module, 'save_figure', capture)
    return figures


def _clip(path):
    """Frames (``T x H x W x 3`` uint8) and the normalised ``C x T x H x W``
    clip the tools feed for ``CLIP``."""
    frames, clip = load_clip(path, clip_len=8, frame_interval=1, size=32)
    return frames, (clip - MEAN) / STD


@torch.no_grad()
def _feature_map(backbone, clip):
    return backbone(clip[None])[0]  # C' x T' x H' x W'


def _stt_by_hand(backbone, clip):
    """Figure 4 for one clip: the ``T' x 16`` matrix (channel mean) and the
    error summary, from the 16 transformed clips one at a time."""
    descs = []
    for z1 in range(4):  # none, horizontal, temporal, temporal_horizontal
        for z2 in range(4):  # counter-clockwise quarter turns
            x = clip
            if z1 in (1, 3):
                x = x.flip(3)
            if z1 in (2, 3):
                x = x.flip(1)
            x = torch.rot90(x, z2, dims=(2, 3))
            # psi (max over H' x W') does not see the inverse flip and
            # rotation of the map; the inverse time flip it does
            desc = _feature_map(backbone, x).amax(dim=(2, 3))  # C' x T'
            descs.append(desc.flip(1) if z1 in (2, 3) else desc)
    descs = torch.stack(descs).double()  # 16 x C' x T'
    errors = [((d - descs[0])**2).sum() / (descs[0]**2).sum() for d in descs]
    errors = torch.stack(errors).numpy()
    return dict(
        matrix=descs.mean(dim=1).t().numpy(),
        error=errors[1:].mean(),
        temporal=errors[8:].mean(),
        spatial=errors[1:8].mean())


def _table_rows(out, columns):
    """``{model: [floats]}`` of the printed Markdown table."""
    rows = {}
    pattern = r'\| (random init|checkpoint) ' + r'\| (\S+) ' * columns + r'\|'
    for line in out.splitlines():
        match = re.match(pattern, line)
        if match:
            rows[match.group(1)] = [float(v) for v in match.groups()[1:]]
    assert tuple(rows) == MODEL_NAMES, out
    return rows


def _title_number(title):
    return float(title.rsplit(' ', 1)[1])


def test_stt_consistency_tool(tiny_run, backbones, tiny_video_dataset,
                              tmp_path, capsys, monkeypatch):
    config, ckpt = tiny_run
    ds = tiny_video_dataset
    figures = _capture_figures(monkeypatch, 'stt_consistency')
    _tool('stt_consistency').main([
        config, ckpt, '--videos', ds.ann_file, '--video-root', ds.video_dir,
        '--max-videos', '2', '--out-dir', str(tmp_path), *CLIP
    ])
    assert osp.isfile(tmp_path / 'stt_consistency.png')
    # the first two lines of the annotation list
    with open(ds.ann_file) as f:
        relpaths = [line.split()[0] for line in f][:2]
    expected = {
        (name, osp.splitext(osp.basename(rel))[0]):
        _stt_by_hand(backbone, _clip(osp.join(ds.video_dir, rel))[1])
        for rel in relpaths for name, backbone in backbones.items()
    }

    assert len(figures) == 1
    panels = [ax for ax in figures[0].axes if ax.get_title()]
    assert len(panels) == 4  # 2 clips x 2 models, row by row
    for ax, (name, clip_name) in zip(panels, expected):
        by_hand = expected[name, clip_name]
        title, error = ax.get_title().split('\n')
        assert title == f'{name}: {clip_name}'
        assert error.startswith('E = ')
        assert _title_number(error) == pytest.approx(by_hand['error'],
                                                     rel=1e-2)
        drawn = np.asarray(ax.images[0].get_array())
        assert drawn.shape == (4, 16)  # T' = 8 / 2 rows, 16 codes
        np.testing.assert_allclose(drawn, by_hand['matrix'], rtol=1e-4,
                                   atol=1e-5 * np.abs(drawn).max())
        assert [t.get_text() for t in ax.get_xticklabels()] == CODE_LABELS
    random, trained = (expected[name, osp.splitext(
        osp.basename(relpaths[0]))[0]]['matrix'] for name in MODEL_NAMES)
    assert np.abs(random - trained).max() > 1e-2 * np.abs(trained).max()

    # the table: means over the two clips of E and of its two halves
    rows = _table_rows(capsys.readouterr().out, 3)
    for name in MODEL_NAMES:
        mean = [
            np.mean([v[key] for (n, _), v in expected.items() if n == name])
            for key in ('error', 'temporal', 'spatial')
        ]
        np.testing.assert_allclose(rows[name], mean, rtol=1e-3)


def _bilinear_matrix(size_in, size_out):
    """``size_out x size_in`` weights of 1-D linear interpolation with
    half-pixel centres (``align_corners=False``), edges clamped."""
    weights = np.zeros((size_out, size_in))
    scale = size_in / size_out
    for i in range(size_out):
        src = max((i + 0.5) * scale - 0.5, 0.0)
        low = int(np.floor(src))
        high = min(low + 1, size_in - 1)
        frac = src - low
        weights[i, low] += 1 - frac
        weights[i, high] += frac
    return weights


def _heat_by_hand(backbone, clip):
    """Figure 5's map of one clip: max over time, mean over channels (both
    linear steps commute with the upsampling, so the mean comes first
    here), bilinear upsampling to 32 x 32, min-max scaled."""
    pooled = _feature_map(backbone, clip).amax(dim=1).mean(dim=0).double()
    rows = _bilinear_matrix(pooled.shape[0], 32)
    cols = _bilinear_matrix(pooled.shape[1], 32)
    heat = rows @ pooled.numpy() @ cols.T
    return (heat - heat.min()) / (heat.max() - heat.min())


def test_motion_heatmap_tool(tiny_run, backbones, tiny_video_dataset,
                             tmp_path, capsys, monkeypatch):
    config, ckpt = tiny_run
    figures = _capture_figures(monkeypatch, 'motion_heatmap')
    _tool('motion_heatmap').main([
        config, ckpt, '--videos', tiny_video_dataset.video_dir,
        '--max-videos', '2', '--frames-shown', '3', '--out-dir',
        str(tmp_path), *CLIP
    ])
    assert osp.isfile(tmp_path / 'motion_heatmap.png')
    assert '2 videos' in capsys.readouterr().out
    # the first two videos of the folder, sorted by path
    paths = sorted(
        glob.glob(osp.join(tiny_video_dataset.video_dir, '*', '*.mp4')))[:2]
    shown = [0, 4, 7]  # 3 frames spread over 8: 0, round(3.5), 7

    assert len(figures) == 1
    axes = np.array(figures[0].axes).reshape(6, 3)  # 2 x (frames + 2 maps)
    for v, path in enumerate(paths):
        frames, clip = _clip(path)
        heats = [_heat_by_hand(backbones[name], clip) for name in MODEL_NAMES]
        assert np.abs(heats[0] - heats[1]).max() > 0.05
        name = osp.splitext(osp.basename(path))[0]
        for col, t in enumerate(shown):
            top = axes[3 * v, col]
            assert top.get_title() == (f'{name} t={t}' if col == 0 else
                                       f't={t}')
            assert len(top.images) == 1
            np.testing.assert_array_equal(top.images[0].get_array(),
                                          frames[t])
            for m, model_name in enumerate(MODEL_NAMES):
                ax = axes[3 * v + 1 + m, col]
                assert ax.get_ylabel() == (model_name if col == 0 else '')
                frame, overlay = ax.images
                np.testing.assert_array_equal(frame.get_array(), frames[t])
                np.testing.assert_allclose(
                    overlay.get_array(), heats[m], atol=1e-5)
                assert overlay.get_alpha() == 0.5
                assert overlay.get_clim() == (0, 1)


def _silhouette_by_hand(features, labels):
    """Mean over points of ``(b - a) / max(a, b)``, cosine distances."""
    unit = features / np.linalg.norm(features, axis=1, keepdims=True)
    dist = 1 - unit @ unit.T
    scores = []
    for i, label in enumerate(labels):
        same = (labels == label) & (np.arange(len(labels)) != i)
        a = dist[i, same].mean()
        b = min(dist[i, labels == other].mean()
                for other in set(labels.tolist()) - {label})
        scores.append((b - a) / max(a, b))
    return float(np.mean(scores))


def test_tsne_tool(tiny_run, backbones, tiny_video_dataset, tmp_path, capsys,
                   monkeypatch):
    manifold = pytest.importorskip('sklearn.manifold')
    config, ckpt = tiny_run
    ds = tiny_video_dataset
    figures = _capture_figures(monkeypatch, 'tsne_features')
    _tool('tsne_features').main([
        config, ckpt, '--videos', ds.ann_file, '--video-root', ds.video_dir,
        '--out-dir', str(tmp_path), *CLIP
    ])
    assert osp.isfile(tmp_path / 'tsne_features.png')
    rows = _table_rows(capsys.readouterr().out, 1)
    with open(ds.ann_file) as f:
        videos = [line.split() for line in f]
    labels = np.array([int(label) for _, label in videos])
    assert len(videos) == 6 and sorted(set(labels.tolist())) == [0, 1, 2]

    assert len(figures) == 1
    panels = [ax for ax in figures[0].axes if ax.collections]
    assert len(panels) == 2
    for ax, name in zip(panels, MODEL_NAMES):
        # one vector per video: the map averaged over T' x H' x W'
        features = torch.stack([
            _feature_map(backbones[name],
                         _clip(osp.join(ds.video_dir, rel))[1]).mean(
                             dim=(1, 2, 3)) for rel, _ in videos
        ]).double().numpy()
        # sklearn's t-SNE as the tool documents it: perplexity capped at
        # (N - 1) / 3, PCA init, seed 0
        points = manifold.TSNE(
            n_components=2, perplexity=5 / 3, init='pca',
            random_state=0).fit_transform(features)
        score = _silhouette_by_hand(features, labels)
        title, silhouette = ax.get_title().split('\n')
        assert title == name
        assert _title_number(silhouette) == pytest.approx(score, abs=1e-3)
        assert rows[name][0] == pytest.approx(score, abs=1e-4)
        # one scatter per class, in class order, in its tab10 colour
        assert len(ax.collections) == 3
        for cls, scatter in enumerate(ax.collections):
            assert scatter.get_label() == f'class{cls}'
            np.testing.assert_allclose(scatter.get_facecolors(),
                                       [colormaps['tab10'](cls)])
            np.testing.assert_allclose(scatter.get_offsets(),
                                       points[labels == cls], rtol=1e-4,
                                       atol=1e-4 * np.abs(points).max())
    legend = panels[-1].get_legend()
    assert [t.get_text() for t in legend.get_texts()] == [
        'class0', 'class1', 'class2'
    ]


def test_stt_consistency_from_the_shell(tiny_run, backbones,
                                        tiny_video_dataset, tmp_path,
                                        run_command):
    config, ckpt = tiny_run
    result = run_command([
        'python', osp.join(TOOLS, 'stt_consistency.py'), config, ckpt,
        '--videos', tiny_video_dataset.video_dir, '--max-videos', '1',
        '--channel', '3', '--out-dir', str(tmp_path), *CLIP
    ], cwd=REPO)
    assert result.returncode == 0, result.stdout
    # the errors of the first video of the folder (all channels, whatever
    # --channel draws)
    path = sorted(
        glob.glob(osp.join(tiny_video_dataset.video_dir, '*', '*.mp4')))[0]
    clip = _clip(path)[1]
    rows = _table_rows(result.stdout, 3)
    for name, backbone in backbones.items():
        by_hand = _stt_by_hand(backbone, clip)
        np.testing.assert_allclose(
            rows[name],
            [by_hand[key] for key in ('error', 'temporal', 'spatial')],
            rtol=1e-3)
    # one row of two panels: (5.2 * 2) x (2.0 + 1.6) inches at 100 dpi
    image = mpimg.imread(str(tmp_path / 'stt_consistency.png'))
    assert image.shape[:2] == (360, 1040)
