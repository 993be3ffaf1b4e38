"""RetrievalFeatureHead: pooling, flattening and clip averaging against
hand computations."""
import pytest
import torch
from mmaction.registry import MODELS
from mmaction.structures import ActionDataSample
from mmengine.registry import DefaultScope

import mmstcr  # noqa: F401  (registers mmstcr's modules)
from mmstcr.models.heads import RetrievalFeatureHead


def test_max_1x2x2_is_quadrant_max_over_time():
    torch.manual_seed(0)
    x = torch.randn(3, 5, 2, 4, 6)  # N x C x T x H x W
    out = RetrievalFeatureHead()(x)
    assert out.shape == (3, 5 * 4)
    # By hand: max over time and over each of the four spatial quadrants,
    # flattened channel-major (c, row, column).
    expected = torch.empty(3, 5, 2, 2)
    for n in range(3):
        for c in range(5):
            for i in range(2):
                for j in range(2):
                    block = x[n, c, :, 2 * i:2 * i + 2, 3 * j:3 * j + 3]
                    expected[n, c, i, j] = block.max()
    assert torch.equal(out, expected.view(3, -1))


def test_global_average_option():
    x = torch.arange(2 * 3 * 2 * 2 * 2,
                     dtype=torch.float32).view(2, 3, 2, 2, 2)
    head = MODELS.build(
        dict(type='RetrievalFeatureHead',
             pool_type='avg',
             output_size=(1, 1, 1)))
    out = head(x)
    assert out.shape == (2, 3)
    # Each (n, c) block holds 8 consecutive integers: mean = first + 3.5.
    expected = torch.tensor([[3.5, 11.5, 19.5], [27.5, 35.5, 43.5]])
    assert torch.equal(out, expected)


def test_predict_averages_the_clips_of_each_video():
    torch.manual_seed(1)
    num_videos, num_clips = 2, 3
    feats = torch.randn(num_videos * num_clips, 4, 2, 2, 2)
    samples = [ActionDataSample() for _ in range(num_videos)]
    out = RetrievalFeatureHead().predict(feats, samples)
    assert out is samples
    for v in range(num_videos):
        # Clips of video v are rows v * num_clips ... (Recognizer3D order).
        clips = feats[v * num_clips:(v + 1) * num_clips]
        per_clip = clips.amax(dim=2).flatten(1)  # (1, 2, 2) pooling of 2x2
        expected = (per_clip[0] + per_clip[1] + per_clip[2]) / 3
        assert samples[v].retrieval_feat.shape == (16, )
        torch.testing.assert_close(samples[v].retrieval_feat,
                                   expected,
                                   rtol=0,
                                   atol=1e-6)


def test_recognizer3d_predict_puts_features_on_samples():
    torch.manual_seed(2)
    with DefaultScope.overwrite_default_scope('mmaction'):
        model = MODELS.build(
            dict(type='Recognizer3D',
                 backbone=dict(type='ResNet3d',
                               depth=18,
                               base_channels=8,
                               pretrained=None,
                               pretrained2d=False,
                               conv1_kernel=(1, 3, 3),
                               inflate=(0, 0, 0, 0)),
                 cls_head=dict(type='RetrievalFeatureHead'),
                 data_preprocessor=dict(type='ActionDataPreprocessor',
                                        format_shape='NCTHW')))
    model.eval()
    # 2 videos x 3 clips, 64 px: the last stage is 64 x 2 x 2 x 2.
    inputs = torch.randn(2, 3, 3, 4, 64, 64)
    samples = [ActionDataSample() for _ in range(2)]
    with torch.no_grad():
        out = model(inputs, samples, mode='predict')
        maps = model.backbone(inputs.view(-1, 3, 4, 64, 64))
    assert maps.shape == (6, 64, 2, 2, 2)
    per_clip = maps.amax(dim=2).flatten(1).view(2, 3, -1)
    for v in range(2):
        torch.testing.assert_close(out[v].retrieval_feat,
                                   per_clip[v].mean(0),
                                   rtol=0,
                                   atol=1e-6)


def test_errors():
    with pytest.raises(ValueError, match="'sum'"):
        RetrievalFeatureHead(pool_type='sum')
    with pytest.raises(ValueError, match='output_size'):
        RetrievalFeatureHead(output_size=(2, 2))
    head = RetrievalFeatureHead()
    with pytest.raises(TypeError, match='tuple'):
        head((torch.zeros(1, 2, 1, 1, 1), ))
    with pytest.raises(TypeError, match=r'shape \(2, 3\)'):
        head(torch.zeros(2, 3))
    with pytest.raises(ValueError, match='5 clips cannot be split evenly'):
        head.predict(torch.zeros(5, 2, 1, 2, 2),
                     [ActionDataSample() for _ in range(2)])
    with pytest.raises(RuntimeError, match='no loss'):
        head.loss(torch.zeros(2, 2, 1, 2, 2), [])
    assert list(head.parameters()) == []
