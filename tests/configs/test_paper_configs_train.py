"""Every pretraining config of the paper's Tables 1, 2 and 4 trains for a
few iterations through ``tools/train.py`` on generated videos, with its
backbone shrunk and its clips made small by ``--cfg-options`` (the config's
own pipeline, model and losses otherwise)."""
import glob
import importlib.util
import json
import math
import os.path as osp

import pytest
import torch
from mmengine import Config

from mmstcr.engine import launch

REPO = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
STCR = osp.join(REPO, 'configs', 'stcr')

SPEC = '8xb8-16x4x1-50e_ucf101-split1-rgb'
TABLE1 = [osp.join(STCR, f'stcr_i3d-r50_{SPEC}.py')] + sorted(
    glob.glob(osp.join(STCR, 'ablations', 'stcr-noise-*_i3d-r50_*.py')))
TABLE2 = [
    osp.join(STCR, 'ablations', f'stcr-{name}_i3d-r50_{SPEC}.py')
    for name in ('stt-only', 'im-only', 'stt-flips', 'stt-rotations',
                 'stt-temporal-flip')
]
TABLE4 = [osp.join(STCR, f'stcr_c3d_{SPEC}.py')] + sorted(
    glob.glob(osp.join(STCR, 'pretext', '*_c3d_*.py')))
# Not in the paper: the contrastive baseline (docs/method.md, decision 18)
ADDITIONS = sorted(
    glob.glob(osp.join(STCR, 'pretext', 'infonce*_r3d-r18_*.py')))
CONFIGS = TABLE1 + TABLE2 + TABLE4 + ADDITIONS

# Shrunk backbones: base channels, on 8 x 32 x 32 clips, whose map is then
# T' = 1 (I3D: 1 x 1, C3D: 2 x 2). C' of the map: 8 x base for a ResNet3d
# of basic blocks (depth 18, 34), 32 x base with bottlenecks (50 and up),
# 8 x base for C3D.
BASE = {'ResNet3d': 2, 'C3DConv': 4}


def map_channels(backbone):
    """C' of the shrunk backbone's map."""
    base = BASE[backbone.type]
    if backbone.type == 'ResNet3d' and backbone.depth >= 50:
        return 32 * base
    return 8 * base


CLIP_LEN, SIZE = 8, 32


def _rel(path):
    return osp.relpath(path, REPO)


def shrink_options(path):
    """``--cfg-options`` words: small backbone and heads, small clips,
    2 clips per batch, no workers, one epoch."""
    cfg = Config.fromfile(path)
    base, channels = (BASE[cfg.model.backbone.type],
                      map_channels(cfg.model.backbone))
    options = [f'model.backbone.base_channels={base}']
    if cfg.model.get('cw_head'):  # not for a pretext task alone
        options += [f'model.cw_head.in_channels={channels}',
                    'model.cw_head.temporal_size=1']
    options += [
        'train_dataloader.batch_size=2', 'train_dataloader.num_workers=0',
        'train_dataloader.persistent_workers=False', 'train_cfg.max_epochs=1',
        'default_hooks.logger.interval=1'
    ]
    if cfg.model.get('pretext_head'):
        options += [
            f'model.pretext_head.in_channels={channels}',
            'model.pretext_head.hidden_channels=8'
        ]
    key = 'train_dataloader.dataset.pipeline'
    for i, step in enumerate(cfg.train_dataloader.dataset.pipeline):
        if step['type'] == 'SampleFrames':
            options += [f'{key}.{i}.clip_len={CLIP_LEN}',
                        f'{key}.{i}.frame_interval=2']
        elif step['type'] == 'SampleClipTuple':
            options += [f'{key}.{i}.clip_len={CLIP_LEN}',
                        f'{key}.{i}.clip_gap=2']
        elif step['type'] == 'Resize':
            options.append(f'{key}.{i}.scale=(-1,{SIZE + 4})')
        elif step['type'] == 'TwoViewRandomCrop':
            options.append(f'{key}.{i}.size={SIZE}')
        elif step['type'] == 'PackClipTuple':
            for j, inner in enumerate(step['clip_pipeline']):
                if inner['type'] == 'TwoViewRandomCrop':
                    options.append(f'{key}.{i}.clip_pipeline.{j}.size={SIZE}')
    return cfg, options


def test_the_tables_have_their_configs():
    assert len(TABLE1) == 5 and len(TABLE4) == 5 and len(ADDITIONS) == 2
    assert all(osp.isfile(p) for p in CONFIGS)


def _train_tool():
    spec = importlib.util.spec_from_file_location(
        'mmstcr_tools_train', osp.join(REPO, 'tools', 'train.py'))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize('path', CONFIGS, ids=_rel)
def test_config_trains_through_tools_train(path, make_video_dataset,
                                           run_command, tmp_path,
                                           monkeypatch):
    """The first config runs ``tools/train.py`` as a process; the others
    call the same script's ``main`` in this process (the same code path,
    without paying a fresh interpreter and imports 15 times)."""
    videos = make_video_dataset(num_videos=4, num_classes=2, num_frames=32,
                                size=SIZE + 4)
    cfg, options = shrink_options(path)
    work_dir = tmp_path / 'work'
    argv = [
        path, '--work-dir', str(work_dir), '--seed', '0', '--cfg-options',
        *videos.cli_cfg_options(['train']), *options
    ]
    if path == CONFIGS[0]:
        done = run_command(['python', 'tools/train.py', *argv], cwd=REPO,
                           env=dict(OMP_NUM_THREADS='1',
                                    MKL_NUM_THREADS='1'),
                           timeout=300)
        assert done.returncode == 0, done.stdout[-3000:]
    else:
        monkeypatch.chdir(REPO)
        # in-process: keep this process's allocator and environment as
        # they are (the subprocess run above tunes its own)
        monkeypatch.setattr(launch, 'tune_malloc', lambda: False)
        threads = torch.get_num_threads()
        torch.set_num_threads(1)
        try:
            _train_tool().main([str(a) for a in argv])
        finally:
            torch.set_num_threads(threads)
    [scalars] = glob.glob(str(work_dir / '*' / 'vis_data' / 'scalars.json'))
    with open(scalars) as f:
        records = [json.loads(line) for line in f if '"loss"' in line]
    assert [r['iter'] for r in records] == [1, 2]  # 4 videos, batch 2
    want = ({'loss_tw', 'loss_cw'}
            if cfg.model.type != 'PretextRecognizer' else set())
    head = cfg.model.get('pretext_head')
    if head:
        want |= {
            'ClipOrderHead': {'loss_vcop', 'vcop_acc'},
            'OrderVerificationHead': {'loss_sal', 'sal_acc'},
            'ClipContrastHead': {'loss_nce', 'nce_acc'}
        }[head['type']]
    for record in records:
        assert want <= set(record), (sorted(record), want)
        assert all(math.isfinite(record[k]) for k in want | {'loss'})
    assert glob.glob(str(work_dir / 'epoch_1.pth'))
