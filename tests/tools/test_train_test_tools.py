"""tools/train.py and tools/test.py as a user runs them (one process each),
and MMAction2's own tools/train.py on a config that imports mmstcr."""
import os
import os.path as osp
import pickle
import re
import shutil

import mmaction
import pytest
import torch

import mmstcr  # noqa: F401  (lets this process load checkpoints safely)
from mmstcr.utils.checkpoint import SAFE_LOADING_TORCH
from mmstcr.utils.malloc import is_glibc

needs_safe_loading = pytest.mark.skipif(
    not SAFE_LOADING_TORCH, reason='safe loading is set up on torch >= 2.6')

REPO_ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
TRAIN = osp.join(REPO_ROOT, 'tools', 'train.py')
TEST = osp.join(REPO_ROOT, 'tools', 'test.py')
TINY_CONFIG = osp.join(REPO_ROOT, 'tests', 'data', 'configs',
                       'tiny_recognizer3d.py')
MMACTION_TRAIN = osp.join(
    osp.dirname(mmaction.__file__), '.mim', 'tools', 'train.py')


def check(result):
    assert result.returncode == 0, result.stdout[-4000:]
    return result.stdout


def train_epochs(output):
    """The epochs that logged a training iteration."""
    return sorted({int(e) for e in re.findall(r'Epoch\(train\) \[(\d+)\]',
                                              output)})


@pytest.fixture(scope='module')
def trained(tiny_video_dataset, run_command, tmp_path_factory):
    """tools/train.py, 2 epochs; returns (work dir, output)."""
    work_dir = tmp_path_factory.mktemp('tool_train')
    output = check(
        run_command([
            'python', TRAIN, TINY_CONFIG, '--work-dir', work_dir, '--seed',
            '0', '--deterministic', '--cfg-options',
            *tiny_video_dataset.cli_cfg_options()
        ]))
    return work_dir, output


def test_train_writes_checkpoints(trained):
    work_dir, output = trained
    assert (work_dir / 'epoch_2.pth').is_file()
    assert train_epochs(output) == [1, 2]
    assert "seed': 0" in output or 'seed: 0' in output
    # One process: the GPU settings are not touched; on glibc the
    # allocator is tuned for CPU training, and the line says so
    lines = [line for line in output.splitlines() if 'No GPU found' in line]
    assert not any('gloo' in line or 'sync_bn' in line or 'AMP' in line
                   for line in lines)
    assert len(lines) == int(is_glibc())
    assert all('glibc malloc' in line for line in lines)


def _predict_in_process(checkpoint, data):
    """``N x num_classes`` test scores of ``checkpoint``'s model on the
    tiny test list, computed in this process (no runner, no tool)."""
    from mmaction.registry import DATASETS, MODELS
    from mmaction.utils import register_all_modules
    from mmengine import Config
    from mmengine.dataset import pseudo_collate
    register_all_modules()
    cfg = Config.fromfile(TINY_CONFIG)
    cfg.merge_from_dict(data.cfg_options(['test']))
    model = MODELS.build(cfg.model)
    model.load_state_dict(
        torch.load(checkpoint, weights_only=True)['state_dict'])
    model.eval()
    dataset = DATASETS.build(cfg.test_dataloader.dataset)
    with torch.no_grad():
        batch = model.data_preprocessor(
            pseudo_collate([dataset[i] for i in range(len(dataset))]), False)
        samples = model(**batch, mode='predict')
    return torch.stack([s.pred_scores.item for s in samples])


def test_test_evaluates_and_dumps(trained, tiny_video_dataset, run_command,
                                  tmp_path):
    work_dir, _ = trained
    dump = tmp_path / 'preds.pkl'
    output = check(
        run_command([
            'python', TEST, TINY_CONFIG, work_dir / 'epoch_2.pth',
            '--work-dir', tmp_path, '--dump', dump, '--cfg-options',
            *tiny_video_dataset.cli_cfg_options(['test'])
        ]))
    top1 = float(
        re.search(r'Epoch\(test\) \[3/3\] +acc/top1: ([0-9.]+)',
                  output).group(1))
    # The dump holds one prediction per test video, in list order: class
    # probabilities (average_clips='prob') and the list's label; its top-1
    # is the one printed.
    with open(dump, 'rb') as f:
        results = pickle.load(f)
    data = tiny_video_dataset
    assert len(results) == data.num_videos
    assert [int(r['gt_labels']['item']) for r in results] == list(data.labels)
    scores = torch.stack([r['pred_scores']['item'] for r in results])
    assert scores.shape == (data.num_videos, data.num_classes)
    torch.testing.assert_close(scores.sum(1), torch.ones(data.num_videos))
    # the same scores, computed here from the checkpoint and the test list
    torch.testing.assert_close(
        scores, _predict_in_process(work_dir / 'epoch_2.pth', data))
    predicted = [int(r['pred_labels']['item']) for r in results]
    assert predicted == scores.argmax(1).tolist()
    correct = sum(p == label for p, label in zip(predicted, data.labels))
    assert top1 == pytest.approx(correct / data.num_videos, abs=1e-4)


def test_resume_without_a_path_resumes_from_the_latest(
        trained, tiny_video_dataset, run_command, tmp_path):
    work_dir = tmp_path / 'work'
    shutil.copytree(trained[0], work_dir)
    output = check(
        run_command([
            'python', TRAIN, TINY_CONFIG, '--work-dir', work_dir, '--resume',
            '--cfg-options', 'train_cfg.max_epochs=3',
            *tiny_video_dataset.cli_cfg_options()
        ]))
    assert 'resumed epoch: 2, iter: 6' in output
    assert train_epochs(output) == [3]
    assert torch.load(work_dir / 'epoch_3.pth',
                      weights_only=True)['meta']['epoch'] == 3


@pytest.mark.skipif(torch.cuda.is_available(), reason='CPU fallback')
def test_amp_on_cpu_warns_and_trains_in_float32(tiny_video_dataset,
                                                run_command, tmp_path):
    output = check(
        run_command([
            'python', TRAIN, TINY_CONFIG, '--work-dir', tmp_path, '--amp',
            '--cfg-options', 'train_cfg.max_epochs=1',
            *tiny_video_dataset.cli_cfg_options()
        ]))
    assert ('WARNING - No GPU found, running on CPU: AMP off '
            '(AmpOptimWrapper needs a GPU), training in float32') in output
    assert (tmp_path / 'epoch_1.pth').is_file()


def test_missing_config_is_named(run_command, tmp_path):
    path = str(tmp_path / 'no_such_config.py')
    for tool in ([TRAIN, path], [TEST, path, TINY_CONFIG]):
        result = run_command(['python', *tool])
        assert result.returncode != 0
        assert f'config file not found: {path}' in result.stdout


def test_missing_checkpoint_is_named(run_command, tmp_path):
    path = str(tmp_path / 'no_such.pth')
    result = run_command(['python', TEST, TINY_CONFIG, path])
    assert result.returncode != 0
    assert f'checkpoint not found: {path}' in result.stdout


@needs_safe_loading
def test_a_file_that_is_not_a_checkpoint_is_named(tiny_video_dataset,
                                                  run_command, tmp_path):
    path = tmp_path / 'notes.pth'
    path.write_text('not a checkpoint\n')
    result = run_command([
        'python', TEST, TINY_CONFIG, path, '--work-dir', tmp_path,
        '--cfg-options', *tiny_video_dataset.cli_cfg_options(['test'])
    ])
    assert result.returncode != 0
    assert f'{path} is not a PyTorch checkpoint' in result.stdout


@needs_safe_loading
def test_poisoned_checkpoint_is_refused_on_resume(trained, tiny_video_dataset,
                                                  run_command, tmp_path):
    marker = tmp_path / 'PWNED'
    ckpt = torch.load(trained[0] / 'epoch_2.pth', weights_only=True)
    ckpt['meta']['note'] = Poison(marker)
    path = tmp_path / 'poisoned.pth'
    torch.save(ckpt, path)
    result = run_command([
        'python', TRAIN, TINY_CONFIG, '--work-dir', tmp_path / 'work',
        '--resume', path, '--cfg-options',
        *tiny_video_dataset.cli_cfg_options()
    ])
    assert result.returncode != 0
    assert f'refused to load checkpoint {path}' in result.stdout
    assert not marker.exists()


class Poison:

    def __init__(self, marker):
        self.marker = marker

    def __reduce__(self):
        return os.system, (f'touch {self.marker}', )


def test_mmaction_train_tool_trains_and_resumes(tiny_video_dataset,
                                                run_command, tmp_path):
    # The config's custom_imports=['mmstcr'] is all MMAction2's tool gets:
    # importing mmstcr must make its checkpoints resumable.
    common = [
        'python', MMACTION_TRAIN, TINY_CONFIG, '--work-dir', tmp_path,
        '--cfg-options', *tiny_video_dataset.cli_cfg_options()
    ]
    output = check(run_command(common + ['train_cfg.max_epochs=1']))
    assert train_epochs(output) == [1]
    output = check(
        run_command(common + ['train_cfg.max_epochs=2', '--resume']))
    assert 'resumed epoch: 1, iter: 3' in output
    assert train_epochs(output) == [2]
