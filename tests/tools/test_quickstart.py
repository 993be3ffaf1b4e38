"""The quick start's ladder (one seed of the transfer benchmark), and the
proxy benchmark's refusal to reuse a dataset generated with other
settings."""
import importlib.util
import os.path as osp

import pytest
from mmengine import Config

from mmstcr_tools.benchmark.proxy import (check_dataset_settings,
                                          generator_settings)

REPO_ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))


def _load_tool(name, *parts):
    spec = importlib.util.spec_from_file_location(
        name, osp.join(REPO_ROOT, 'tools', *parts))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


quickstart = _load_tool('quickstart', 'quickstart.py')
make_motion_dataset = _load_tool('make_motion_dataset', 'data',
                                 'make_motion_dataset.py')
BENCH = Config.fromfile(
    osp.join(REPO_ROOT, 'configs', 'benchmark', 'stcr_proxy_motion.py'))


def test_quick_ladder_rungs():
    """Scratch, the ceiling, pace, pace + an STCR configuration and the
    faithful STCR, from the ladder config."""
    cfg = Config.fromfile(quickstart.CONFIG)
    assert cfg.quick_methods[:3] == ['scratch', 'supervised', 'pace']
    assert cfg.quick_methods[-1] == 'stcr'
    assert cfg.quick_methods[3].startswith('pace_stcr')
    for name in cfg.quick_methods:
        assert name in cfg.methods
    assert quickstart.parse_args([]).seed == 0


def test_ladder_lines_by_hand():
    from mmstcr_tools.benchmark.report import MethodResult

    def res(name, role, knn):
        return MethodResult(name, role, dict(kNN=[knn], linear=[knn],
                                             finetune=[knn]), [0])

    lines = quickstart.ladder_lines([
        res('scratch', 'floor', 0.2),
        res('supervised', 'ceiling', 0.6),
        res('pace', 'method', 0.3)
    ])
    assert lines[1].startswith('scratch') and lines[1].endswith('(floor)')
    assert lines[3].split()[:3] == ['pace', '30.0', '(+25%)']
    assert lines[3].count('(+25%)') == 3


@pytest.fixture(scope='module')
def tiny_dataset(tmp_path_factory):
    """A real generated dataset (2 kinds x 3 videos of 4 frames, 32x32), so
    the checked keys are those the generator writes."""
    out = str(tmp_path_factory.mktemp('motion'))
    assert make_motion_dataset.main([
        out, '--class-set', 'kinds', '--background-key', 'group',
        '--num-classes', '2', '--videos-per-class', '3', '--num-groups', '3',
        '--frames', '4', '--height', '32', '--width', '32', '--seed', '5',
        '--no-progress'
    ]) == 0
    return out


def _settings(**changes):
    dataset = dict(class_set='kinds', background_key='group', num_classes=2,
                   videos_per_class=3, num_groups=3, frames=4, height=32,
                   width=32, speed_range=(0.01, 0.03), seed=5)
    settings = generator_settings(dataset)
    settings.update(changes)
    return settings


def test_same_settings_reuse_the_dataset(tiny_dataset):
    assert check_dataset_settings(tiny_dataset, _settings()) is None


@pytest.mark.parametrize('key, value', [('class_set', 'directions'),
                                        ('background_key', 'class_group'),
                                        ('videos_per_class', 48),
                                        ('seed', 0), ('num_frames', 40),
                                        ('speed_range', [0.03, 0.06])])
def test_other_settings_are_refused(tiny_dataset, key, value):
    with pytest.raises(SystemExit) as err:
        check_dataset_settings(tiny_dataset, _settings(**{key: value}))
    message = str(err.value)
    assert tiny_dataset in message
    assert f'{key}: {_settings()[key]!r} there, {value!r} asked' in message


def test_split_files_without_metadata_are_refused(tmp_path):
    with pytest.raises(SystemExit, match='motion_dataset.json'):
        check_dataset_settings(str(tmp_path), _settings())


def test_ladder_lines_no_gap_where_the_ceiling_is_within_the_noise():
    """600 test videos, floor 25.8 % and ceiling 26.8 %: the lead (1 point)
    is below twice the standard error of the difference (2 x 2.5 points),
    so no gap is shown for that metric, while kNN keeps its gap."""
    from mmstcr_tools.benchmark.report import MethodResult

    def res(name, role, knn, ft):
        return MethodResult(name, role, dict(kNN=[knn], linear=[knn],
                                             finetune=[ft]), [0])

    lines = quickstart.ladder_lines([
        res('scratch', 'floor', 0.17, 0.258),
        res('supervised', 'ceiling', 0.59, 0.268),
        res('pace', 'method', 0.275, 0.172)
    ], 600)
    assert lines[3].split()[:3] == ['pace', '27.5', '(+25%)']
    assert lines[3].endswith('17.2    (gap n/a)')
    # with 60,000 test videos the same 1-point lead is measurable
    lines = quickstart.ladder_lines([
        res('scratch', 'floor', 0.17, 0.258),
        res('supervised', 'ceiling', 0.59, 0.268),
        res('pace', 'method', 0.275, 0.263)
    ], 60000)
    assert lines[3].endswith('(+50%)')
