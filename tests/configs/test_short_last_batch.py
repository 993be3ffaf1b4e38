"""``configs/stcr/stcr_r3d-r18_8xb8-16x4x1-50e_ucf101-split1-rgb.py`` pretrains 2 epochs through
``tools/train.py`` on a 9-video list at batch 4 (issue 23): as shipped
(``drop_last=True``: 2 iterations an epoch, the ninth video left out) and
with the last batch kept, whose one clip trains with the collapse signals
omitted rather than NaN.

The backbone is narrowed and the clips made small by ``--cfg-options``; the
config's pipeline, loss, schedule and default hooks (``FiniteLossHook``
among them) are its own.
"""
import glob
import importlib.util
import json
import math
import os.path as osp

import pytest
import torch

from mmstcr.engine import launch

REPO = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
CONFIG = osp.join(REPO, 'configs', 'stcr', 'stcr_r3d-r18_8xb8-16x4x1-50e_ucf101-split1-rgb.py')
SIGNALS = {'feat_std', 'feat_std_ratio'} | {
    f'feat_std_ratio/layer{i}'
    for i in range(1, 5)
}
PIPE = 'train_dataloader.dataset.pipeline'


def _train_tool():
    spec = importlib.util.spec_from_file_location(
        'mmstcr_tools_train_short_batch',
        osp.join(REPO, 'tools', 'train.py'))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _pretrain(videos, work_dir, monkeypatch, extra=()):
    """2 epochs at batch 4 through tools/train.py's main; the logged
    training records."""
    argv = [
        CONFIG, '--work-dir', str(work_dir), '--seed', '0', '--cfg-options',
        *videos.cli_cfg_options(['train']),
        # 8 frames of 32 x 32, a narrow R3D: map 32 x 1 x 2 x 2
        'model.backbone.base_channels=4', 'model.cw_head.in_channels=32',
        'model.cw_head.temporal_size=1', f'{PIPE}.1.clip_len=8',
        f'{PIPE}.1.frame_interval=2', f'{PIPE}.3.scale=(-1,36)',
        f'{PIPE}.4.size=32', 'train_dataloader.batch_size=4',
        'train_dataloader.num_workers=0',
        'train_dataloader.persistent_workers=False', 'train_cfg.max_epochs=2',
        'default_hooks.logger.interval=1', *extra
    ]
    monkeypatch.chdir(REPO)
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
    assert glob.glob(str(work_dir / 'epoch_2.pth'))
    return records


@pytest.fixture(scope='module')
def nine_videos(make_video_dataset):
    return make_video_dataset(num_videos=9, num_classes=3, num_frames=32,
                              size=36)


def test_the_steps_are_the_ones_checked():
    from mmengine import Config
    steps = [s['type'] for s in Config.fromfile(CONFIG).train_dataloader
             .dataset.pipeline]
    assert steps[1] == 'SampleFrames' and steps[3] == 'Resize'
    assert steps[4] == 'TwoViewRandomCrop'
    assert Config.fromfile(CONFIG).train_dataloader.drop_last is True


def test_as_shipped_drops_the_one_clip_batch(nine_videos, tmp_path,
                                             monkeypatch):
    records = _pretrain(nine_videos, tmp_path / 'work', monkeypatch)
    assert [r['iter'] for r in records] == [1, 2, 3, 4]  # 9 // 4 per epoch
    assert [r['epoch'] for r in records] == [1, 1, 2, 2]
    for record in records:
        assert SIGNALS <= set(record)
        assert all(math.isfinite(v) for v in record.values()
                   if isinstance(v, float))


def test_kept_one_clip_batch_trains_without_signals(nine_videos, tmp_path,
                                                    monkeypatch):
    records = _pretrain(nine_videos, tmp_path / 'work', monkeypatch,
                        ['train_dataloader.drop_last=False'])
    assert [r['iter'] for r in records] == [1, 2, 3, 4, 5, 6]  # 4, 4, 1
    for record in records:
        assert {'loss', 'loss_tw', 'loss_cw'} <= set(record)
        assert all(math.isfinite(v) for v in record.values()
                   if isinstance(v, float)), record
    # MMEngine's log processor writes a key's latest value at every
    # iteration (losses smoothed). The one-clip iterations (3 and 6) log no
    # signal, so their records repeat the previous iteration's values
    # exactly, while the full batches each log their own.
    for key in SIGNALS:
        values = [r[key] for r in records]
        assert values[2] == values[1] and values[5] == values[4], key
        assert values[0] != values[1] and values[3] != values[4], key
