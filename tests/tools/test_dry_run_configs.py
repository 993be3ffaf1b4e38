"""tools/analysis/dry_run_configs.py: every training config at the official
dataset sizes and 1, 2, 4 and 8 GPUs, one real (shrunk) training iteration
per distinct batch size.

The batch sizes are checked against hand-computed ones (MMEngine's
DefaultSampler pads each rank to ``ceil(n / world size)`` samples), the full
table must have no failure, and the tool must catch the one-clip NaN of
issue 23 when it is put back.
"""
import importlib.util
import math
import os.path as osp
import re

import pytest
import torch

REPO = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
PRETRAIN = 'configs/stcr/stcr_r3d-r18_8xb8-16x4x1-50e_ucf101-split1-rgb.py'
FINETUNE = 'configs/finetune/r3d-r18_scratch_8xb8-16x4x1-45e_ucf101-split1-rgb.py'


def _tool():
    spec = importlib.util.spec_from_file_location(
        'dry_run_configs',
        osp.join(REPO, 'tools', 'analysis', 'dry_run_configs.py'))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


tool = _tool()


def _loader(batch_size=8, drop_last=False, shuffle=True, round_up=True):
    return dict(
        batch_size=batch_size,
        drop_last=drop_last,
        sampler=dict(type='DefaultSampler', shuffle=shuffle,
                     round_up=round_up))


@pytest.fixture(scope='module', autouse=True)
def registered():
    import mmstcr  # noqa: F401
    from mmaction.utils import register_all_modules
    register_all_modules(init_default_scope=True)


# UCF101 split 1 (9,537 training videos) at 8 clips per GPU, by hand:
# 9537 = 1192 * 8 + 1; per rank ceil(9537 / w): w=2 4769 = 596 * 8 + 1,
# w=4 2385 = 298 * 8 + 1, w=8 1193 = 149 * 8 + 1.
@pytest.mark.parametrize('world_size, batches', [(1, 1193), (2, 597),
                                                 (4, 299), (8, 150)])
def test_ucf101_split1_ends_every_epoch_with_one_clip(world_size, batches):
    per_rank = tool.rank_batch_sizes(_loader(), 9537, world_size)
    assert len(per_rank) == world_size
    for sizes in per_rank:
        assert len(sizes) == batches
        assert sizes[-1] == 1 and set(sizes[:-1]) == {8}
    dropped = tool.rank_batch_sizes(_loader(drop_last=True), 9537,
                                    world_size)
    assert all(sizes == [8] * (batches - 1) for sizes in dropped)


# UCF101 split 2 (9,586) and HMDB51 (3,570): the last batch per rank.
@pytest.mark.parametrize('length, world_size, last', [
    (9586, 1, 2), (9586, 2, 1), (9586, 4, 5), (9586, 8, 7),
    (3570, 1, 2), (3570, 2, 1), (3570, 4, 5), (3570, 8, 7),
    (9624, 1, 8), (9624, 2, 4), (9624, 4, 6), (9624, 8, 3),
])
def test_last_batch_by_hand(length, world_size, last):
    per_rank = tool.rank_batch_sizes(_loader(), length, world_size)
    per_gpu = math.ceil(length / world_size)
    assert per_gpu % 8 == last % 8
    assert [sizes[-1] for sizes in per_rank] == [last] * world_size
    assert all(sum(sizes) == per_gpu for sizes in per_rank)


def test_without_round_up_the_ranks_differ():
    """DefaultSampler(round_up=False) gives rank r ceil((n - r) / w) samples:
    9537 on 8 ranks is 1193 on rank 0 (149 * 8 + 1) and 1192 (149 * 8)
    on the others."""
    per_rank = tool.rank_batch_sizes(
        _loader(shuffle=False, round_up=False), 9537, 8)
    assert [sizes[-1] for sizes in per_rank] == [1] + [8] * 7
    assert [sum(sizes) for sizes in per_rank] == [1193] + [1192] * 7


def test_the_sampler_itself_picks_the_indices():
    """Not only the counts: the ranks' indices are DefaultSampler's, a
    padded partition of the list (rank r takes every w-th index)."""
    from mmaction.registry import DATA_SAMPLERS
    with tool.distributed_as(rank=3, world_size=4):
        sampler = DATA_SAMPLERS.build(
            dict(type='DefaultSampler', shuffle=False),
            default_args=dict(dataset=tool._Sized(10), seed=0))
    assert list(sampler) == [3, 7, 1]  # 0..9 padded to 12 with 0, 1


def test_official_sizes():
    assert tool.dataset_sizes('data/ucf101/ucf101_train_split_2_videos.txt'
                              ) == ('UCF101', {'split 2': 9586})
    assert tool.dataset_sizes('data/hmdb51/hmdb51_train_split_3_videos.txt'
                              ) == ('HMDB51', {'split 3': 3570})
    assert tool.dataset_sizes(
        'data/kinetics400/kinetics400_train_list_videos.txt') == (
            'Kinetics-400', {'train': 246245})
    assert tool.dataset_sizes('data/sthv2/sthv2_train_list_videos.txt') == (
        'Something-Something v2', {'train': 168913})
    with pytest.raises(KeyError, match='no official size'):
        tool.dataset_sizes('data/mine/train.txt')


def test_docs_table_gives_the_tool_s_sizes():
    """docs/dry_run.md's table of official sizes and the tool agree."""
    with open(osp.join(REPO, 'docs', 'dry_run.md')) as f:
        text = f.read()
    rows = re.findall(
        r'^\| (UCF101 split \d|HMDB51 split \d|Kinetics-400|'
        r'Something-Something v2) \| ([\d,]+) \| ([\d,]+) \|', text, re.M)
    table = {name: int(train.replace(',', '')) for name, train, _ in rows}
    assert len(table) == 8
    for split in (1, 2, 3):
        ann = f'data/ucf101/ucf101_train_split_{split}_videos.txt'
        assert tool.dataset_sizes(ann)[1] == {
            f'split {split}': table[f'UCF101 split {split}']
        }
        ann = f'data/hmdb51/hmdb51_train_split_{split}_videos.txt'
        assert tool.dataset_sizes(ann)[1] == {
            f'split {split}': table[f'HMDB51 split {split}']
        }
    assert table['Kinetics-400'] == 246245
    assert table['Something-Something v2'] == 168913
    tests = {name: int(test.replace(',', '')) for name, _, test in rows}
    assert [tests[f'UCF101 split {s}'] for s in (1, 2, 3)] == [
        3783, 3734, 3696
    ]
    assert {tests[f'HMDB51 split {s}'] for s in (1, 2, 3)} == {1530}


# The whole dry run trains about a hundred shrunk iterations: about 100 s
# on an idle 2-core machine, more than 600 s (pytest's default cap here)
# when the machine is loaded (2026-12-03). The cap guards against a hang.
FULL_TABLE_CAP_S = 2400


@pytest.fixture(scope='module')
def full_table():
    """The whole dry run, as the tool runs it by default."""
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        paths = tool.training_configs()
        return paths, tool.run(paths, log=lambda msg: None)
    finally:
        torch.set_num_threads(threads)


@pytest.mark.timeout(FULL_TABLE_CAP_S)
def test_every_training_config_passes_at_every_world_size(full_table):
    paths, rows = full_table
    rel = {osp.relpath(p, REPO) for p in paths}
    assert PRETRAIN in rel and FINETUNE in rel
    assert any(p.startswith('configs/demo/') for p in rel)
    assert any(p.startswith('configs/eval/') for p in rel)
    assert {row['config'] for row in rows} == rel
    for config in rel:
        worlds = sorted({r['world_size'] for r in rows
                         if r['config'] == config})
        assert worlds == [1, 2, 4, 8], config
    failed = [(r['config'], r['dataset'], r['world_size'], r['result'])
              for r in rows if r['result'] != 'ok']
    assert not failed, failed
    table = tool.format_table(rows)
    assert len(table.splitlines()) == len(rows) + 2


@pytest.mark.timeout(FULL_TABLE_CAP_S)
def test_table_rows_by_hand(full_table):
    _, rows = full_table
    by_key = {(r['config'], r['dataset'], r['world_size']): r for r in rows}
    row = by_key[(PRETRAIN, 'UCF101 split 1', 8)]  # drop_last=True
    assert row['batches_per_rank'] == [149] * 8
    assert row['last_batch_per_rank'] == [8] * 8 and row['sizes'] == [8]
    row = by_key[(FINETUNE, 'UCF101 split 1', 8)]  # keeps the last batch
    assert row['batches_per_rank'] == [150] * 8
    assert row['last_batch_per_rank'] == [1] * 8
    assert row['sizes'] == [1, 8] and row['result'] == 'ok'
    assert ('| 1 x8 | ok |') in tool.format_table([row])


def test_a_rank_without_batch_fails(tmp_path):
    """18 videos (the proxy's low-label list) on 4 GPUs: 5 per rank, fewer
    than a batch of 8, so with drop_last no rank trains at all; the dry run
    says so instead of reporting a pass."""
    config = tmp_path / 'drop.py'
    base = osp.join(REPO, 'configs', 'demo',
                    'r3d-tiny_scratch_1xb8-16x2x1-16e_motion.py')
    config.write_text(f"_base_ = ['{base}']\n"
                      'train_dataloader = dict(drop_last=True)\n')
    rows = tool.run([str(config)], world_sizes=[4], log=lambda m: None)
    low = [r for r in rows if r['length'] == 18]
    assert len(low) == 1
    assert low[0]['batches_per_rank'] == [0] * 4
    assert low[0]['result'].startswith('a rank gets no batch')
    full = [r for r in rows if r['length'] == 120]  # 30 per rank: 3 x 8
    assert full[0]['batches_per_rank'] == [3] * 4
    assert full[0]['result'] == 'ok'


def test_the_one_clip_nan_of_issue_23_is_caught(tmp_path, monkeypatch):
    """Put back the NaN that collapse_signal used to log for one clip, and
    keep the last batch: the dry run must fail on the one-clip batch only,
    naming the value FiniteLossHook stopped on, and the tool must exit 1."""
    from mmstcr.models.recognizers import stcr_recognizer

    real = stcr_recognizer.collapse_signal

    def old_signal(desc):
        if desc.size(0) < 2:
            nan = desc.new_tensor(float('nan'))
            return dict(feat_std=nan, feat_std_ratio=nan)
        return real(desc)

    monkeypatch.setattr(stcr_recognizer, 'collapse_signal', old_signal)
    config = tmp_path / 'keep_last.py'
    config.write_text(f"_base_ = ['{osp.join(REPO, PRETRAIN)}']\n"
                      'train_dataloader = dict(drop_last=False)\n')
    rows = tool.run([str(config)], world_sizes=[1, 4], log=lambda m: None)
    assert [r['sizes'] for r in rows] == [[1, 8], [1, 8]]
    for row in rows:
        assert row['result'].startswith('batch 1: NonFiniteLossError'), row
        assert 'feat_std=nan' in row['result']
        assert 'batch 8' not in row['result']
    assert tool.main([str(config), '--world-sizes', '8']) == 1
