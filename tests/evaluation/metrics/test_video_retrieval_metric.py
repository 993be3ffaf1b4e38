"""VideoRetrievalMetric against a brute-force reference, hand-computed ties,
a 2-process run with a padded sampler, and a Runner test loop on tiny
videos."""
import math
import os
import traceback

import pytest
import torch
import torch.distributed as dist
from mmengine import Config
from mmengine.dataset import DefaultSampler
from mmengine.runner import Runner

import mmstcr  # noqa: F401  (registers mmstcr's modules)
from mmstcr.evaluation import (KNNAccuracy, VideoRetrievalMetric,
                               retrieval_ranks)


def brute_force_recall(q_feats, q_labels, g_feats, g_labels, ks):
    """Loops over queries and gallery: sort the gallery by cosine similarity,
    ties with other classes first; hit at k if the first k hold the query's
    class."""
    q_feats, g_feats = q_feats.tolist(), g_feats.tolist()
    q_labels, g_labels = q_labels.tolist(), g_labels.tolist()

    def cosine(a, b):
        dot = sum(x * y for x, y in zip(a, b))
        norm = math.sqrt(sum(x * x for x in a)) * math.sqrt(
            sum(y * y for y in b))
        return dot / norm if norm else 0.0

    hits = {k: 0 for k in ks}
    for qf, ql in zip(q_feats, q_labels):
        sims = [cosine(qf, gf) for gf in g_feats]
        order = sorted(
            range(len(g_feats)), key=lambda g: (-sims[g], g_labels[g] == ql))
        for k in ks:
            if any(g_labels[g] == ql for g in order[:k]):
                hits[k] += 1
    return {k: hits[k] / len(q_labels) for k in ks}


def samples(feats, labels, role):
    """Data samples in the form Evaluator.process gives them to metrics
    (MMAction2 1.1: gt_labels.item)."""
    return [
        dict(
            retrieval_feat=f,
            gt_labels=dict(item=torch.tensor([int(label)])),
            retrieval_role=role) for f, label in zip(feats, labels)
    ]


def run_metric(metric, q_feats, q_labels, g_feats, g_labels):
    metric.process(None, samples(g_feats, g_labels, 'gallery'))
    metric.process(None, samples(q_feats, q_labels, 'query'))
    return metric.evaluate(size=len(q_labels) + len(g_labels))


@pytest.mark.parametrize('seed', [0, 1, 2])
def test_matches_brute_force_on_random_features(seed):
    gen = torch.Generator().manual_seed(seed)
    num_classes = 6
    q_feats = torch.randn(40, 16, generator=gen)
    g_feats = torch.randn(70, 16, generator=gen)
    q_labels = torch.randint(0, num_classes, (40, ), generator=gen)
    g_labels = torch.randint(0, num_classes, (70, ), generator=gen)
    g_labels[g_labels == 5] = 4
    g_labels[0] = 5  # class 5: one gallery video
    ks = (1, 5, 10, 20, 50)
    expected = brute_force_recall(q_feats, q_labels, g_feats, g_labels, ks)
    got = run_metric(VideoRetrievalMetric(), q_feats, q_labels, g_feats,
                     g_labels)
    assert got == {f'retrieval/R@{k}': expected[k] for k in ks}
    # The reference is not trivial: the values differ across k.
    assert len(set(expected.values())) >= 3


def test_exact_ties_are_counted_against_the_query():
    e = torch.eye(3)
    g_feats = torch.stack([e[0], e[0], e[1]])
    g_labels = torch.tensor([0, 1, 0])  # class 1: one gallery video
    q_feats = torch.stack([e[0], e[1], e[2], 2 * e[1]])
    q_labels = torch.tensor([0, 2, 1, 0])
    # q0 (class 0) ties g0 (class 0) and g1 (class 1) at 1: rank 2, although
    #   g0 comes first in the gallery.
    # q1 (class 2): no gallery video of class 2, never found.
    # q2 (class 1) has similarity 0 to everything: rank 1 + 2 = 3.
    # q3 (class 0) is nearest to g2 (class 0, similarity 1): rank 1.
    ranks = retrieval_ranks(q_feats, q_labels, g_feats, g_labels)
    assert ranks.tolist() == [2, math.inf, 3, 1]
    got = run_metric(
        VideoRetrievalMetric(topk=(1, 2, 3, 50)), q_feats, q_labels, g_feats,
        g_labels)
    assert got == {
        'retrieval/R@1': 1 / 4,
        'retrieval/R@2': 2 / 4,
        'retrieval/R@3': 3 / 4,
        'retrieval/R@50': 3 / 4,
    }
    assert got == {
        f'retrieval/R@{k}': v
        for k, v in brute_force_recall(q_feats, q_labels, g_feats, g_labels,
                                       (1, 2, 3, 50)).items()
    }


def test_tie_tolerance_and_chunks():
    gen = torch.Generator().manual_seed(5)
    q_feats, g_feats = torch.randn(9, 4, generator=gen), torch.randn(
        12, 4, generator=gen)
    q_labels = torch.randint(0, 3, (9, ), generator=gen)
    g_labels = torch.randint(0, 3, (12, ), generator=gen)
    whole = retrieval_ranks(q_feats, q_labels, g_feats, g_labels)
    assert torch.equal(
        retrieval_ranks(q_feats, q_labels, g_feats, g_labels, chunk_size=2),
        whole)
    # Query e0 of class 0; gallery: class 1 at similarity 1 - 1e-9, class 0
    # at similarity 1: a tie within the default tolerance, not without one.
    g = torch.tensor([[1.0, math.sqrt(2e-9)], [1.0, 0.0]], dtype=torch.float64)
    args = (torch.tensor([[1.0, 0.0]]), torch.tensor([0]), g,
            torch.tensor([1, 0]))
    assert retrieval_ranks(*args).tolist() == [2]
    assert retrieval_ranks(*args, tie_tol=0).tolist() == [1]


def test_counts_are_checked_against_the_dataset():
    feats, labels = torch.eye(3), torch.tensor([0, 1, 2])
    metric = VideoRetrievalMetric()
    metric.dataset_meta = dict(
        retrieval_num_queries=4, retrieval_num_gallery=3)
    with pytest.raises(RuntimeError, match='3 query videos were evaluated '
                       'but the data set has 4'):
        run_metric(metric, feats, labels, feats, labels)
    metric = VideoRetrievalMetric()
    metric.process(None, samples(feats, labels, 'query'))
    with pytest.raises(ValueError, match='no gallery video'):
        metric.evaluate(size=3)


def test_bad_inputs():
    with pytest.raises(ValueError, match='topk'):
        VideoRetrievalMetric(topk=(0, 5))
    with pytest.raises(ValueError, match='tie_tol'):
        VideoRetrievalMetric(tie_tol=-1)
    metric = VideoRetrievalMetric()
    with pytest.raises(KeyError, match='RetrievalFeatureHead'):
        metric.process(None, [dict(gt_labels=dict(item=torch.tensor([0])))])
    with pytest.raises(KeyError, match="meta_keys=\\('retrieval_role', \\)"):
        metric.process(None, [
            dict(
                retrieval_feat=torch.ones(2),
                gt_labels=dict(item=torch.tensor([0])))
        ])
    # MMAction2 1.2 data samples carry gt_label.
    metric.process(None, [
        dict(
            retrieval_feat=torch.ones(2),
            gt_label=torch.tensor([3]),
            retrieval_role='query')
    ])
    assert metric.results[-1]['label'] == 3


def _rank_main(rank, data, init_file, out_file):
    """One of two processes: its DefaultSampler share, batches of 3 (the
    last partial), then MMEngine's gather in ``evaluate``."""
    dist.init_process_group(
        'gloo', init_method='file://' + init_file, rank=rank, world_size=2)
    size = len(data['labels'])
    indices = list(DefaultSampler(list(range(size)), shuffle=False))
    metrics = [
        VideoRetrievalMetric(topk=(1, 2, 5)),
        KNNAccuracy(k=(1, 3), temperature=None)
    ]
    for metric in metrics:
        metric.dataset_meta = data['meta']
    for start in range(0, len(indices), 3):
        batch = [
            dict(
                retrieval_feat=data['feats'][i],
                gt_labels=dict(item=data['labels'][i:i + 1]),
                retrieval_role=data['roles'][i])
            for i in indices[start:start + 3]
        ]
        for metric in metrics:
            metric.process(None, batch)
    out = {}
    for metric in metrics:
        out.update(metric.evaluate(size=size))
    if rank == 0:
        torch.save(dict(out=out, indices=indices), out_file)
    dist.destroy_process_group()


def _rank_entry(rank, data, init_file, out_file):
    try:
        _rank_main(rank, data, init_file, out_file)
    except BaseException:
        traceback.print_exc()
        os._exit(1)
    os._exit(0)


def test_two_processes_with_padding_count_every_video(tmp_path,
                                                      run_two_ranks):
    gen = torch.Generator().manual_seed(7)
    size = 11  # odd: DefaultSampler pads rank 1 with a repeat of video 0
    feats = torch.randn(size, 8, generator=gen)
    labels = torch.randint(0, 3, (size, ), generator=gen)
    roles = ['query'] * 4 + ['gallery'] * 7
    meta = dict(retrieval_num_queries=4, retrieval_num_gallery=7)
    data = dict(feats=feats, labels=labels, roles=roles, meta=meta)
    codes = run_two_ranks(
        _rank_entry,
        (data, str(tmp_path / 'init'), str(tmp_path / 'out.pt')))
    assert codes == [0, 0]
    result = torch.load(tmp_path / 'out.pt')
    assert len(result['indices']) == 6  # rank 0's share of 12 = 11 + pad
    single = {}
    for metric in (VideoRetrievalMetric(topk=(1, 2, 5)),
                   KNNAccuracy(k=(1, 3), temperature=None)):
        metric.dataset_meta = meta
        single.update(
            run_metric(metric, feats[:4], labels[:4], feats[4:], labels[4:]))
    assert result['out'] == single


def test_runner_test_loop_on_tiny_videos(tmp_path, make_video_dataset):
    data = make_video_dataset(
        num_videos=7, num_classes=3, num_frames=8, size=64)
    lines = open(data.ann_file).read().splitlines()
    (tmp_path / 'query.txt').write_text('\n'.join(lines[:3]) + '\n')
    (tmp_path / 'gallery.txt').write_text('\n'.join(lines[3:]) + '\n')
    pipeline = [
        dict(type='DecordInit'),
        dict(
            type='SampleFrames',
            clip_len=2,
            frame_interval=1,
            num_clips=3,
            test_mode=True),
        dict(type='DecordDecode'),
        dict(type='FormatShape', input_format='NCTHW'),
        dict(type='PackActionInputs', meta_keys=('retrieval_role', ))
    ]
    cfg = Config(
        dict(
            default_scope='mmaction',
            work_dir=str(tmp_path / 'work'),
            model=dict(
                type='Recognizer3D',
                backbone=dict(
                    type='ResNet3d',
                    depth=18,
                    base_channels=8,
                    pretrained=None,
                    pretrained2d=False,
                    conv1_kernel=(1, 3, 3),
                    inflate=(0, 0, 0, 0)),
                cls_head=dict(type='RetrievalFeatureHead'),
                data_preprocessor=dict(
                    type='ActionDataPreprocessor',
                    mean=[128, 128, 128],
                    std=[64, 64, 64],
                    format_shape='NCTHW')),
            test_dataloader=dict(
                batch_size=2,  # 7 videos: the last batch has one
                num_workers=0,
                sampler=dict(type='DefaultSampler', shuffle=False),
                dataset=dict(
                    type='RetrievalVideoDataset',
                    query_ann_file=str(tmp_path / 'query.txt'),
                    gallery_ann_file=str(tmp_path / 'gallery.txt'),
                    data_prefix=dict(video=data.video_dir),
                    pipeline=pipeline)),
            test_evaluator=[
                dict(type='VideoRetrievalMetric', topk=(1, 2, 4)),
                dict(type='KNNAccuracy', k=(1, 3))
            ],
            test_cfg=dict(type='TestLoop'),
            log_level='WARNING'))
    runner = Runner.from_cfg(cfg)
    metrics = runner.test()
    for metric in runner.test_loop.evaluator.metrics:
        assert metric.dataset_meta['retrieval_num_queries'] == 3
        assert metric.dataset_meta['retrieval_num_gallery'] == 4

    # Independent features: one video at a time, max over time of the
    # 64 x T' x 2 x 2 map (H' = W' = 2: the 2 x 2 pooling is the identity
    # in space), averaged over the 3 clips.
    model = runner.model.eval()
    dataset = runner.test_dataloader.dataset
    feats, labels, roles = [], [], []
    with torch.no_grad():
        for i in range(len(dataset)):
            batch = model.data_preprocessor(
                {k: [v]
                 for k, v in dataset[i].items()}, False)
            clips = batch['inputs'][0]  # 3 x C x T x H x W
            maps = model.backbone(clips)
            assert maps.shape[-2:] == (2, 2)
            feats.append(maps.amax(dim=2).flatten(1).mean(0))
            sample = batch['data_samples'][0]
            labels.append(int(sample.gt_labels.item))
            roles.append(sample.metainfo['retrieval_role'])
    assert roles == ['query'] * 3 + ['gallery'] * 4
    assert labels == [int(line.split()[1]) for line in lines]
    feats, labels = torch.stack(feats), torch.tensor(labels)
    expected = brute_force_recall(feats[:3], labels[:3], feats[3:],
                                  labels[3:], (1, 2, 4))
    for k in (1, 2, 4):
        assert metrics[f'retrieval/R@{k}'] == expected[k]
    knn = KNNAccuracy(k=(1, 3))
    knn.process(None, samples(feats[3:], labels[3:], 'gallery'))
    knn.process(None, samples(feats[:3], labels[:3], 'query'))
    assert {k: metrics[k] for k in ('knn/top1_k1', 'knn/top1_k3')} == \
        knn.evaluate(size=7)
    assert set(metrics) == {
        'retrieval/R@1', 'retrieval/R@2', 'retrieval/R@4', 'knn/top1_k1',
        'knn/top1_k3'
    }
