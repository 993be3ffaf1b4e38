"""The STCR pretraining pipeline of docs/interfaces.md on a real video."""
import cv2
import numpy as np
import pytest
from mmengine.registry import DefaultScope

import mmstcr  # noqa: F401  (registers the transforms)
from mmaction.datasets import VideoDataset
from mmaction.datasets.transforms import DecordDecode, Resize
from mmstcr.structures import apply_stt

PIPELINE = [
    dict(type='DecordInit'),
    dict(type='SampleFrames', clip_len=8, frame_interval=2, num_clips=1),
    dict(type='DecordDecode'),
    dict(type='Resize', scale=(-1, 40)),
    dict(type='TwoViewRandomCrop', size=32),
    dict(type='SpatioTemporalTransform'),
    dict(type='IntraVideoMixup', alpha=1.0),
    dict(type='PackSTCRInputs'),
]


def label_of(data_sample):
    if 'gt_label' in data_sample:  # MMAction2 >= 1.2
        return data_sample.gt_label
    return data_sample.gt_labels.item  # MMAction2 1.1


@pytest.fixture(scope='module')
def video_dir(tmp_path_factory):
    """A 20-frame 48 x 64 mp4 (frames differ in space and time) and an
    annotation file listing it."""
    root = tmp_path_factory.mktemp('videos')
    writer = cv2.VideoWriter(
        str(root / 'clip.mp4'), cv2.VideoWriter_fourcc(*'mp4v'), 10,
        (64, 48))
    yy, xx = np.mgrid[0:48, 0:64]
    for t in range(20):
        frame = np.stack([xx * 4, yy * 5, np.full_like(xx, t * 12)], -1)
        writer.write(frame.astype(np.uint8))
    writer.release()
    (root / 'ann.txt').write_text('clip.mp4 3\n')
    return root


def test_pipeline_decodes_once_and_packs_both_views(video_dir, monkeypatch):
    decoded, resized = [], []
    decord_transform, resize_transform = DecordDecode.transform, \
        Resize.transform

    def counting_decode(self, results):
        results = decord_transform(self, results)
        decoded.append(len(results['imgs']))
        return results

    def recording_resize(self, results):
        results = resize_transform(self, results)
        resized.append(np.stack(results['imgs']).copy())
        return results

    monkeypatch.setattr(DecordDecode, 'transform', counting_decode)
    monkeypatch.setattr(Resize, 'transform', recording_resize)

    # The pipeline is built from the config dicts by the dataset, through
    # MMAction2's TRANSFORMS registry, as a Runner would do it.
    with DefaultScope.overwrite_default_scope('mmaction'):
        dataset = VideoDataset(
            ann_file=str(video_dir / 'ann.txt'),
            data_prefix=dict(video=str(video_dir)),
            pipeline=PIPELINE)
    np.random.seed(0)
    for n in range(1, 4):
        packed = dataset[0]
        # one decode of 8 frames per sample
        assert decoded == [8] * n
        frames = resized[-1]  # T x H x W x C after Resize
        assert frames.shape == (8, 40, 53, 3)
        assert frames.std() > 10  # a real picture, not a blank decode

        inputs, sample = packed['inputs'], packed['data_samples']
        assert tuple(inputs.shape) == (2, 3, 8, 32, 32)
        assert set(sample.metainfo) >= {
            'img_shape', 'stt_code', 'mixup_lambda', 'mixup_frame',
            'crop_bbox', 'noise_crop_bbox'
        }
        meta = sample.metainfo
        assert meta['img_shape'] == (32, 32)
        assert label_of(sample).tolist() == [3]

        # Clean view: a crop of the decoded frames.
        x1, y1, x2, y2 = meta['crop_bbox']
        assert 0 <= x1 and x2 <= 53 and 0 <= y1 and y2 <= 40
        clean = inputs[0].permute(1, 2, 3, 0).numpy()  # T x H x W x C
        np.testing.assert_array_equal(clean, frames[:, y1:y2, x1:x2])

        # Noise view: a crop of the same frames, then T, then phi.
        x1, y1, x2, y2 = meta['noise_crop_bbox']
        noise = apply_stt(frames[:, y1:y2, x1:x2], meta['stt_code'],
                          t_axis=0, h_axis=1, w_axis=2)
        lam, k = meta['mixup_lambda'], meta['mixup_frame']
        noise = (1 - lam) * noise + lam * noise[k]  # eq. 4, float64
        # rounded to uint8 (IntraVideoMixup's default): within half a level
        packed_noise = inputs[1].permute(1, 2, 3, 0).numpy()
        assert packed_noise.dtype == np.uint8
        assert np.abs(packed_noise - noise).max() <= 0.5 + 1e-3
