"""The Kinetics-400 pretraining and Something-Something v2 finetuning
configs: what they must differ in from the UCF101 ones. (That every config
loads and builds its model and data is tests/configs/test_configs.py.)"""
import os.path as osp

import pytest
from mmengine import Config

REPO = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
BACKBONES = ('i3d-r50', 'r2plus1d-r18', 'c3d', 'r3d-r18')
LOADERS = ('train_dataloader', 'val_dataloader', 'test_dataloader')


def _load(name):
    return Config.fromfile(osp.join(REPO, 'configs', name))


@pytest.mark.parametrize('backbone', BACKBONES)
def test_k400_pretraining_differs_from_ucf101_only_in_data_and_schedule(
        backbone):
    k400 = _load(f'stcr/stcr_{backbone}_8xb8-16x4x1-100e_kinetics400-rgb.py')
    ucf = _load(f'stcr/stcr_{backbone}_8xb8-16x4x1-50e_ucf101-split1-rgb.py')
    assert k400.model == ucf.model
    dataset = k400.train_dataloader.dataset
    assert dataset.ann_file == \
        'data/kinetics400/kinetics400_train_list_videos.txt'
    assert dataset.data_prefix.video == 'data/kinetics400/videos_train'
    assert dataset.pipeline == ucf.train_dataloader.dataset.pipeline
    assert k400.train_cfg.max_epochs == 100
    assert k400.optim_wrapper == ucf.optim_wrapper
    assert k400.val_dataloader is None


@pytest.mark.parametrize('init', ('scratch', 'stcr-pretrained'))
@pytest.mark.parametrize('backbone', BACKBONES)
def test_sthv2_finetuning(backbone, init):
    cfg = _load(f'finetune/{backbone}_{init}_8xb8-16x2x1-45e_sthv2-rgb.py')
    assert cfg.model.cls_head.num_classes == 174
    for loader in LOADERS:
        dataset = cfg[loader].dataset
        assert dataset.ann_file.startswith('data/sthv2/sthv2_')
        assert dataset.data_prefix.video == 'data/sthv2/videos'
        types = [step['type'] for step in dataset.pipeline]
        # left/right classes: a horizontal flip would change the label
        assert 'Flip' not in types, (loader, types)
        sample = dataset.pipeline[types.index('SampleFrames')]
        assert (sample.clip_len, sample.frame_interval) == (16, 2)
    hooks = cfg.get('custom_hooks', [])
    if init == 'stcr-pretrained':
        assert hooks == [
            dict(type='STCRPretrainedHook',
                 checkpoint=f'work_dirs/stcr_{backbone}_8xb8-16x4x1-100e_'
                 'kinetics400-rgb/epoch_100.pth')
        ]
    else:
        assert not hooks
