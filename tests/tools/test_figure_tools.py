"""The figure tools (paper figures 4, 5, 7) end to end: a tiny R3D STCR
checkpoint, 8-frame 32 px videos, PNGs that exist and are not blank."""
import importlib.util
import os.path as osp
import re

import matplotlib.image as mpimg
import numpy as np
import pytest
import torch
from mmengine import Config

import mmstcr  # noqa: F401
from mmaction.registry import MODELS
from mmaction.utils import register_all_modules

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


def _tool(name):
    spec = importlib.util.spec_from_file_location(
        f'figure_tool_{name}', osp.join(TOOLS, f'{name}.py'))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _assert_not_blank(path, min_coloured=0.2):
    assert osp.isfile(path), path
    image = mpimg.imread(path)[..., :3]  # H x W x RGB in [0, 1]
    assert image.shape[0] > 100 and image.shape[1] > 100
    assert image.std() > 0.05, (path, image.std())
    # share of clearly coloured (not grey) pixels: heatmaps, points
    coloured = (image.max(-1) - image.min(-1) > 0.25).mean()
    assert coloured > min_coloured, (path, coloured)


def test_stt_consistency_tool(tiny_run, tiny_video_dataset, tmp_path,
                              capsys):
    config, ckpt = tiny_run
    ds = tiny_video_dataset
    _tool('stt_consistency').main([
        config, ckpt, '--videos', ds.ann_file, '--video-root', ds.video_dir,
        '--max-videos', '2', '--out-dir', str(tmp_path), *CLIP
    ])
    _assert_not_blank(str(tmp_path / 'stt_consistency.png'))
    out = capsys.readouterr().out
    rows = {}
    for line in out.splitlines():
        match = re.match(r'\| (random init|checkpoint) \| (\S+) \| (\S+) \| '
                         r'(\S+) \|', line)
        if match:
            rows[match.group(1)] = [float(v) for v in match.groups()[1:]]
    assert set(rows) == {'random init', 'checkpoint'}, out
    for values in rows.values():
        assert all(np.isfinite(values)) and all(v > 0 for v in values)
        # E is the mean of 8 temporal and 7 other codes
        assert values[0] == pytest.approx(
            (8 * values[1] + 7 * values[2]) / 15, rel=1e-3)
    assert rows['random init'] != rows['checkpoint']  # the checkpoint loaded


def test_motion_heatmap_tool(tiny_run, tiny_video_dataset, tmp_path,
                             capsys):
    config, ckpt = tiny_run
    _tool('motion_heatmap').main([
        config, ckpt, '--videos', tiny_video_dataset.video_dir,
        '--max-videos', '2', '--frames-shown', '3', '--out-dir',
        str(tmp_path), *CLIP
    ])
    _assert_not_blank(str(tmp_path / 'motion_heatmap.png'))
    assert '2 videos' in capsys.readouterr().out


def test_tsne_tool(tiny_run, tiny_video_dataset, tmp_path, capsys):
    pytest.importorskip('sklearn')
    config, ckpt = tiny_run
    ds = tiny_video_dataset
    _tool('tsne_features').main([
        config, ckpt, '--videos', ds.ann_file, '--video-root', ds.video_dir,
        '--out-dir', str(tmp_path), *CLIP
    ])
    # mostly white scatter plots: a few coloured points
    _assert_not_blank(str(tmp_path / 'tsne_features.png'), min_coloured=0.0005)
    out = capsys.readouterr().out
    scores = re.findall(r'\| (random init|checkpoint) \| (\S+) \|', out)
    assert len(scores) == 2, out
    assert all(-1 <= float(s) <= 1 for _, s in scores)


def test_stt_consistency_from_the_shell(tiny_run, tiny_video_dataset,
                                        tmp_path, run_command):
    config, ckpt = tiny_run
    result = run_command([
        'python', osp.join(TOOLS, 'stt_consistency.py'), config, ckpt,
        '--videos', tiny_video_dataset.video_dir, '--max-videos', '1',
        '--channel', '3', '--out-dir', str(tmp_path), *CLIP
    ], cwd=REPO)
    assert result.returncode == 0, result.stdout
    assert 'consistency error E' in result.stdout
    _assert_not_blank(str(tmp_path / 'stt_consistency.png'))
