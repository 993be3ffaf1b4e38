"""The configs read UCF101 and HMDB51 as their official archives unpack,
prepared by the README's own commands.

A tiny tree is laid out as the archives unpack (``data/ucf101/UCF-101/``
and ``data/ucf101/ucfTrainTestlist/``; ``data/hmdb51/videos/<class>/`` and
``data/hmdb51/testTrainMulti_7030_splits/``), the preparation commands are
taken from README's "1. Data" section and run unchanged from the tree's
parent folder, and each config's training dataset is built from its own
relative paths and yields a sample.
"""
import os.path as osp
import re
import shlex

import pytest
from mmengine import Config

import mmstcr  # noqa: F401  (registers mmstcr's modules)
from mmaction.registry import DATASETS
from mmaction.utils import register_all_modules
from mmstcr_tools.motion_dataset import (MotionDatasetConfig,
                                         make_motion_hmdb51,
                                         make_motion_ucf101)

REPO = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))

register_all_modules(init_default_scope=True)


def readme_preparation_commands():
    """The ``python tools/data/...`` commands of README's data section."""
    with open(osp.join(REPO, 'README.md')) as f:
        text = f.read()
    section = text[text.index('### 1. Data'):text.index('### 2. ')]
    blocks = re.findall(r'```bash\n(.*?)```', section, flags=re.S)
    commands = []
    for block in blocks:
        for line in block.replace('\\\n', ' ').splitlines():
            words = shlex.split(line, comments=True)
            if words[:1] == ['python'] and words[1].startswith('tools/data/'):
                commands.append(words)
    return commands


def test_readme_prepares_both_datasets_from_the_official_folders():
    commands = readme_preparation_commands()
    scripts = [words[1] for words in commands]
    assert scripts == ['tools/data/ucf101/build_annotations.py',
                       'tools/data/hmdb51/build_annotations.py']
    ucf, hmdb = (dict(zip(words[2::2], words[3::2])) for words in commands)
    assert ucf['--video-root'] == 'data/ucf101/UCF-101'
    assert ucf['--split-dir'] == 'data/ucf101/ucfTrainTestlist'
    assert hmdb['--video-root'] == 'data/hmdb51/videos'
    assert hmdb['--split-dir'] == 'data/hmdb51/testTrainMulti_7030_splits'


@pytest.fixture(scope='module')
def official_tree(tmp_path_factory, run_command):
    """``<root>/data/{ucf101,hmdb51}`` laid out as the archives unpack,
    then prepared by README's commands run from ``<root>``."""
    root = tmp_path_factory.mktemp('official')
    small = MotionDatasetConfig(num_classes=2, videos_per_class=3,
                                num_groups=3, num_frames=20, height=48,
                                width=64)
    make_motion_ucf101(str(root / 'data' / 'ucf101'), small,
                       show_progress=False)
    make_motion_hmdb51(str(root / 'data' / 'hmdb51'), small,
                       show_progress=False)
    assert (root / 'data' / 'ucf101' / 'UCF-101').is_dir()
    assert (root / 'data' / 'hmdb51' / 'videos').is_dir()
    for words in readme_preparation_commands():
        args = ['python', osp.join(REPO, words[1])] + words[2:]
        done = run_command(args, cwd=str(root), timeout=300)
        assert done.returncode == 0, done.stdout[-2000:]
    return root


@pytest.mark.parametrize('config, subset_size', [
    ('configs/stcr/stcr_r3d-r18_8xb8-16x4x1-50e_ucf101-split1-rgb.py', 4),
    ('configs/finetune/r3d-r18_scratch_8xb8-16x4x1-45e_ucf101-split1-rgb.py', 4),
    ('configs/finetune/r3d-r18_stcr-pretrained_8xb8-16x4x1-45e_ucf101-split3-rgb.py', 4),
    ('configs/finetune/c3d_scratch_8xb8-16x4x1-45e_hmdb51-split2-rgb.py', 4),
])
def test_config_reads_the_prepared_tree(config, subset_size, official_tree,
                                        monkeypatch):
    """3 groups of 1 clip per class: split k tests group k, so each train
    list holds 2 groups x 2 classes = 4 videos (HMDB51: ids 1 of the same
    groups)."""
    cfg = Config.fromfile(osp.join(REPO, config))
    monkeypatch.chdir(official_tree)  # the configs' paths are relative
    loaders = ['train_dataloader'] + [
        name for name in ('val_dataloader', 'test_dataloader')
        if cfg.get(name)
    ]
    for name in loaders:
        dataset = DATASETS.build(cfg[name].dataset)
        if name == 'train_dataloader':
            assert len(dataset) == subset_size
        sample = dataset[0]
        assert sample['inputs'].shape[-2:] == (112, 112)
        video = dataset.get_data_info(0)['filename']
        assert osp.isfile(video)
        top = 'UCF-101' if 'ucf101' in config else 'videos'
        assert f'/{top}/' in video
