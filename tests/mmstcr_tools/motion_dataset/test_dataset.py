"""Configuration checks, group structure and split membership of the
synthetic motion dataset."""
import pytest

from mmstcr_tools.motion_dataset import (MotionDatasetConfig, group_sizes,
                                         hmdb51_split_id, split_test_groups)


def test_default_config_is_valid():
    cfg = MotionDatasetConfig()
    assert [c.name for c in cfg.classes][:2] == [
        'TranslateLeft', 'TranslateRight'
    ]
    assert len(cfg.classes) == 8
    assert len(MotionDatasetConfig(num_classes=3).classes) == 3


@pytest.mark.parametrize('kwargs, match', [
    (dict(num_classes=1), r'num_classes must be in 2\.\.8, got 1'),
    (dict(num_classes=9), r'num_classes must be in 2\.\.8, got 9'),
    (dict(num_groups=2), 'num_groups must be >= 3.*got 2'),
    (dict(videos_per_class=5, num_groups=6), r'videos_per_class \(5\)'),
    (dict(num_frames=1), 'num_frames must be >= 2, got 1'),
    (dict(height=63), 'height.*got 63'),
    (dict(width=0), 'width.*got 0'),
    (dict(speed_range=(0.05, 0.01)), r'speed_range.*\(0\.05, 0\.01\)'),
    (dict(speed_range=(-0.01, 0.01)), r'speed_range.*\(-0\.01, 0\.01\)'),
    (dict(seed=-1), 'seed must be an int >= 0, got -1'),
    (dict(seed=1.5), 'got 1.5'),
])
def test_config_bad_values(kwargs, match):
    with pytest.raises(ValueError, match=match):
        MotionDatasetConfig(**kwargs)


@pytest.mark.parametrize('videos, groups, expected', [
    (24, 6, [4, 4, 4, 4, 4, 4]),
    (7, 4, [2, 2, 2, 1]),
    (3, 3, [1, 1, 1]),
    (11, 3, [4, 4, 3]),
])
def test_group_sizes(videos, groups, expected):
    assert group_sizes(videos, groups) == expected


@pytest.mark.parametrize('num_groups, expected', [
    (3, {1: [1], 2: [2], 3: [3]}),
    (4, {1: [1], 2: [2], 3: [3]}),  # group 4 always trains
    (6, {1: [1, 2], 2: [3, 4], 3: [5, 6]}),
    # The documented scaled-down rule n = num_groups // 3 (not UCF101's own
    # 7/7/7 + 4): with 25 groups, 8 per split and group 25 always trains.
    (25, {
        1: list(range(1, 9)),
        2: list(range(9, 17)),
        3: list(range(17, 25))
    }),
])
def test_split_test_groups(num_groups, expected):
    for split, groups in expected.items():
        assert split_test_groups(split, num_groups) == groups


@pytest.mark.parametrize('split', [0, 4, '1'])
def test_split_test_groups_bad_split(split):
    with pytest.raises(ValueError, match=f'got {split!r}'):
        split_test_groups(split, 6)


def test_hmdb51_split_id():
    # 4 groups of sizes 2, 2, 2, 1; split 1 tests group 1.
    sizes = [2, 2, 2, 1]
    got = {(g, c): hmdb51_split_id(g, c, sizes[g - 1], 1, 4)
           for g in range(1, 5) for c in range(1, sizes[g - 1] + 1)}
    assert got == {
        (1, 1): 2, (1, 2): 2,  # test group
        (2, 1): 1, (2, 2): 0,  # last clip of a group of two: unused
        (3, 1): 1, (3, 2): 0,
        (4, 1): 1,  # a group of one clip always trains
    }
    assert hmdb51_split_id(3, 2, 2, 3, 4) == 2
