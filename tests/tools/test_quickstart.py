"""The quick start's dataset settings and its refusal to reuse a dataset
generated with other settings."""
import importlib.util
import os.path as osp

import pytest

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


def test_num_groups_defaults_to_one_video_per_group():
    args = quickstart.parse_args(['--videos-per-class', '9'])
    assert quickstart.dataset_settings(args)['num_groups'] == 9
    args = quickstart.parse_args(
        ['--videos-per-class', '9', '--num-groups', '3'])
    assert quickstart.dataset_settings(args)['num_groups'] == 3


@pytest.fixture(scope='module')
def tiny_dataset(tmp_path_factory):
    """A real generated dataset (2 classes x 3 videos of 4 frames, 32x32),
    so the checked keys are those the generator writes."""
    out = str(tmp_path_factory.mktemp('motion'))
    assert make_motion_dataset.main([
        out, '--num-classes', '2', '--videos-per-class', '3',
        '--num-groups', '3', '--frames', '4', '--height', '32', '--width',
        '32', '--seed', '5', '--no-progress'
    ]) == 0
    return out


def _settings(**changes):
    settings = dict(
        num_classes=2,
        videos_per_class=3,
        num_groups=3,
        num_frames=4,
        height=32,
        width=32,
        seed=5)
    settings.update(changes)
    return settings


def test_same_settings_reuse_the_dataset(tiny_dataset):
    assert quickstart.check_dataset_settings(tiny_dataset,
                                             _settings()) is None


@pytest.mark.parametrize('key, value', [('num_groups', 1),
                                        ('videos_per_class', 48),
                                        ('seed', 0), ('num_frames', 40)])
def test_other_settings_are_refused(tiny_dataset, key, value):
    with pytest.raises(SystemExit) as err:
        quickstart.check_dataset_settings(tiny_dataset,
                                          _settings(**{key: value}))
    message = str(err.value)
    assert tiny_dataset in message
    assert f'{key}: {_settings()[key]!r} there, {value!r} asked' in message


def test_split_files_without_metadata_are_refused(tmp_path):
    with pytest.raises(SystemExit, match='motion_dataset.json'):
        quickstart.check_dataset_settings(str(tmp_path), _settings())
