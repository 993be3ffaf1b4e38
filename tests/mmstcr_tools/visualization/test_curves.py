import importlib.util
import json
import os
import os.path as osp

import numpy as np
import pytest

from mmstcr_tools.visualization import (find_scalars_file, load_curves,
                                        plot_curves, read_scalars, series_of)

REPO_ROOT = osp.dirname(
    osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__)))))

# An epoch-based run as the Runner logs it: 3 logged iterations per epoch,
# a validation line after each epoch (its step is the epoch). 'time' is in
# both kinds of lines.
EPOCH_RUN = [
    dict(lr=0.1, loss=1.0, loss_tw=0.5, time=0.2, epoch=1, iter=1, step=1),
    dict(lr=0.1, loss=2.0, loss_tw=0.25, time=0.2, epoch=1, iter=2, step=2),
    dict(lr=0.1, loss=3.0, loss_tw=0.75, time=0.2, epoch=1, iter=3, step=3),
    {'acc/top1': 0.25, 'time': 9.0, 'step': 1},
    dict(lr=0.01, loss=0.5, loss_tw=0.125, time=0.4, epoch=2, iter=4, step=4),
    dict(lr=0.01, loss=0.25, loss_tw=0.0, time=0.4, epoch=2, iter=5, step=5),
    dict(lr=0.01, loss=0.75, loss_tw=0.5, time=0.4, epoch=2, iter=6, step=6),
    {'acc/top1': 0.5, 'time': 9.0, 'step': 2},
]
# An iteration-based run: no 'epoch', validation steps are iterations.
ITER_RUN = [
    dict(lr=0.1, loss=4.0, time=0.1, iter=1, step=1),
    dict(lr=0.1, loss=3.0, time=0.1, iter=2, step=2),
    {'acc/top1': 0.75, 'step': 2},
    dict(lr=0.1, loss=2.0, time=0.1, iter=3, step=3),
]


def write_run(work_dir, lines, timestamp='20240101_000000', blank=False):
    """Write ``<work_dir>/<timestamp>/vis_data/scalars.json``."""
    vis_dir = osp.join(str(work_dir), timestamp, 'vis_data')
    os.makedirs(vis_dir, exist_ok=True)
    path = osp.join(vis_dir, 'scalars.json')
    with open(path, 'w') as f:
        for line in lines:
            f.write(json.dumps(line) + '\n')
            if blank:
                f.write('\n')
    return path


def assert_series(series, steps, values):
    assert series[0].dtype == np.int64 and series[1].dtype == np.float64
    np.testing.assert_array_equal(series[0], steps)
    np.testing.assert_array_equal(series[1], values)


def test_parse_epoch_run_by_iter(tmp_path):
    write_run(tmp_path, EPOCH_RUN, blank=True)
    curves = load_curves(str(tmp_path))
    assert list(curves) == ['lr', 'loss', 'loss_tw', 'time', 'acc/top1']
    assert_series(curves['loss'], [1, 2, 3, 4, 5, 6],
                  [1.0, 2.0, 3.0, 0.5, 0.25, 0.75])
    assert_series(curves['lr'], [1, 2, 3, 4, 5, 6], [0.1] * 3 + [0.01] * 3)
    # training 'time' only, not the validation lines' 'time'
    assert_series(curves['time'], [1, 2, 3, 4, 5, 6], [0.2] * 3 + [0.4] * 3)
    # validation after epoch e sits at the last iteration of epoch e
    assert_series(curves['acc/top1'], [3, 6], [0.25, 0.5])


def test_parse_epoch_run_by_epoch(tmp_path):
    write_run(tmp_path, EPOCH_RUN)
    curves = load_curves(str(tmp_path), keys=['loss', 'loss_tw', 'acc/top1'],
                         by='epoch')
    assert list(curves) == ['loss', 'loss_tw', 'acc/top1']
    assert_series(curves['loss'], [1, 2], [2.0, 0.5])  # epoch means
    assert_series(curves['loss_tw'], [1, 2], [0.5, 0.625 / 3])
    assert_series(curves['acc/top1'], [1, 2], [0.25, 0.5])


def test_parse_iter_run(tmp_path):
    write_run(tmp_path, ITER_RUN)
    log = read_scalars(find_scalars_file(str(tmp_path)))
    assert not log.by_epoch
    assert len(log.train) == 3 and len(log.val) == 1
    assert_series(series_of(log, 'loss'), [1, 2, 3], [4.0, 3.0, 2.0])
    assert_series(series_of(log, 'acc/top1'), [2], [0.75])
    assert series_of(log, 'loss_tw') is None
    with pytest.raises(ValueError, match='no "epoch".*use by="iter"'):
        series_of(log, 'loss', by='epoch')
    with pytest.raises(ValueError, match="by='step'"):
        series_of(log, 'loss', by='step')


def test_validation_of_an_epoch_without_training_lines_is_left_out(tmp_path):
    # epoch 1 validated, but none of its training iterations logged
    lines = [{'acc/top1': 0.1, 'step': 1}] + EPOCH_RUN[4:]
    write_run(tmp_path, lines)
    curves = load_curves(str(tmp_path), keys=['acc/top1'])
    assert_series(curves['acc/top1'], [6], [0.5])
    curves = load_curves(str(tmp_path), keys=['acc/top1'], by='epoch')
    assert_series(curves['acc/top1'], [1, 2], [0.1, 0.5])


def test_newest_run_and_picking_one(tmp_path):
    old = write_run(tmp_path, ITER_RUN, '20240101_000000')
    new = write_run(tmp_path, EPOCH_RUN, '20240102_000000')
    os.makedirs(tmp_path / '20240103_000000')  # crashed before logging
    assert find_scalars_file(str(tmp_path)) == new
    assert find_scalars_file(str(tmp_path), '20240101_000000') == old
    assert find_scalars_file(osp.dirname(osp.dirname(old))) == old
    assert find_scalars_file(old) == old
    loss = load_curves(str(tmp_path), ['loss'], timestamp='20240101_000000')
    assert_series(loss['loss'], [1, 2, 3], [4.0, 3.0, 2.0])
    with pytest.raises(FileNotFoundError) as info:
        find_scalars_file(str(tmp_path), '20240103_000000')
    assert osp.join(str(tmp_path), '20240103_000000', 'vis_data',
                    'scalars.json') in str(info.value)
    assert "['20240101_000000', '20240102_000000']" in str(info.value)
    with pytest.raises(ValueError, match='is a file'):
        find_scalars_file(old, '20240101_000000')


def test_missing_paths_are_named(tmp_path):
    missing = str(tmp_path / 'no_such_dir')
    with pytest.raises(FileNotFoundError, match=f"'{missing}' does not"):
        load_curves(missing)
    with pytest.raises(FileNotFoundError, match=f"'{missing}' does not"):
        plot_curves([missing], ['loss'], str(tmp_path / 'a.png'))
    empty = tmp_path / 'empty_work_dir'
    (empty / '20240101_000000').mkdir(parents=True)  # a log, no vis_data
    with pytest.raises(FileNotFoundError,
                       match=f"no run in '{empty}' has a scalars file"):
        load_curves(str(empty))
    with pytest.raises(FileNotFoundError, match='nothere.json'):
        read_scalars(str(tmp_path / 'nothere.json'))


def test_bad_lines_are_named(tmp_path):
    path = write_run(tmp_path, EPOCH_RUN[:2])
    with open(path, 'a') as f:
        f.write('{"loss": 1.0, "iter": 3\n')
    with pytest.raises(ValueError, match=r'scalars.json, line 3: not JSON'):
        read_scalars(path)
    write_run(tmp_path, [dict(loss='high', iter=1, step=1)])
    with pytest.raises(ValueError,
                       match=r"line 1: 'loss' is not a number: 'high'"):
        load_curves(str(tmp_path))
    write_run(tmp_path, [[1, 2]])
    with pytest.raises(ValueError, match=r'line 1: expected a JSON object'):
        load_curves(str(tmp_path))


def test_missing_key_lists_existing_keys(tmp_path):
    write_run(tmp_path, EPOCH_RUN)
    with pytest.raises(KeyError) as info:
        load_curves(str(tmp_path), keys=['loss', 'loss_cw'])
    assert "'loss_cw' is not logged in" in info.value.args[0]
    assert ("['lr', 'loss', 'loss_tw', 'time', 'acc/top1']"
            in info.value.args[0])


def colour_pixels(image, hex_colour, tol=0.08):
    """Number of pixels within ``tol`` of a colour (RGB in [0, 1])."""
    rgb = np.array([int(hex_colour[i:i + 2], 16) / 255 for i in (1, 3, 5)])
    return int((np.abs(image[..., :3] - rgb).max(-1) < tol).sum())


def test_plot_two_runs(tmp_path):
    import matplotlib.image
    stcr, scratch = tmp_path / 'stcr', tmp_path / 'scratch'
    write_run(stcr, EPOCH_RUN)
    write_run(scratch, [{k: v for k, v in line.items() if k != 'loss_tw'}
                        for line in EPOCH_RUN])
    out = str(tmp_path / 'figs' / 'curves.png')
    plotted = plot_curves([str(stcr), str(scratch)],
                          ['loss', 'loss_tw', 'lr', 'acc/top1'], out)
    with open(out, 'rb') as f:
        assert f.read(8) == b'\x89PNG\r\n\x1a\n'
    image = matplotlib.image.imread(out)
    assert image.shape == (600, 1200, 4)  # 2 rows x 3 columns of 400 x 300
    # both runs are drawn, in the first two colours of the cycle
    assert colour_pixels(image, '#1f77b4') > 100
    assert colour_pixels(image, '#ff7f0e') > 100
    # loss_tw is only in the STCR run: drawn for it, skipped for scratch
    assert list(plotted) == ['loss', 'loss_tw', 'lr', 'acc/top1']
    assert list(plotted['loss']) == ['stcr', 'scratch']
    assert list(plotted['loss_tw']) == ['stcr']
    assert_series(plotted['acc/top1']['scratch'], [3, 6], [0.25, 0.5])

    # one key, by epoch, custom labels: one 400 x 300 subplot
    out_small = str(tmp_path / 'acc.png')
    plotted = plot_curves([str(stcr), str(scratch)], ['acc/top1'], out_small,
                          labels=['STCR', 'scratch'], by='epoch')
    assert matplotlib.image.imread(out_small).shape == (300, 400, 4)
    assert_series(plotted['acc/top1']['STCR'], [1, 2], [0.25, 0.5])


def test_plot_errors(tmp_path):
    a, b = tmp_path / 'a', tmp_path / 'b'
    write_run(a, EPOCH_RUN)
    write_run(b, ITER_RUN)
    out = str(tmp_path / 'c.png')
    with pytest.raises(KeyError) as info:
        plot_curves([str(a), str(b)], ['loss', 'loss_cw'], out)
    assert "'loss_cw' is logged in none of" in info.value.args[0]
    assert "['lr', 'loss', 'loss_tw', 'time', 'acc/top1']" in \
        info.value.args[0]
    with pytest.raises(ValueError, match='need 2 distinct labels'):
        plot_curves([str(a), str(b)], ['loss'], out, labels=['x'])
    with pytest.raises(ValueError, match="unknown image format 'bmpx'"):
        plot_curves([str(a)], ['loss'], str(tmp_path / 'c.bmpx'))
    with pytest.raises(ValueError, match='1 timestamps for 2 work dirs'):
        plot_curves([str(a), str(b)], ['loss'], out, timestamps=[None])
    with pytest.raises(ValueError, match='distinct'):
        plot_curves([str(a)], ['loss', 'loss'], out)
    with pytest.raises(ValueError, match='iteration-based'):
        plot_curves([str(a), str(b)], ['loss'], out, by='epoch')
    assert not osp.exists(out)


def test_cli(tmp_path, capsys):
    import matplotlib.image
    spec = importlib.util.spec_from_file_location(
        'plot_curves_tool',
        osp.join(REPO_ROOT, 'tools', 'analysis', 'plot_curves.py'))
    tool = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(tool)
    write_run(tmp_path / 'run', EPOCH_RUN, '20240101_000000')
    write_run(tmp_path / 'run', ITER_RUN, '20240102_000000')
    out = str(tmp_path / 'cli.png')
    tool.main([
        str(tmp_path / 'run'), '--keys', 'loss', 'acc/top1', '--by', 'epoch',
        '--timestamps', '20240101_000000', '--ncols', '1', '--out', out
    ])
    assert matplotlib.image.imread(out).shape == (600, 400, 4)
    printed = capsys.readouterr().out
    assert 'loss [run]: 2 points, last 0.5 at epoch 2' in printed
    assert 'acc/top1 [run]: 2 points, last 0.5 at epoch 2' in printed


def test_runner_written_scalars(tmp_path):
    """Train a one-weight model with MMEngine's Runner and read the curves
    back: losses, learning rates and a validation metric match a hand-run
    SGD."""
    import torch
    from mmengine.evaluator import BaseMetric, Evaluator
    from mmengine.model import BaseModel
    from mmengine.registry import DefaultScope
    from mmengine.runner import Runner

    class OneWeight(BaseModel):

        def __init__(self):
            super().__init__()
            self.w = torch.nn.Parameter(torch.zeros(1))

        def forward(self, inputs, data_samples=None, mode='tensor'):
            x = torch.stack(inputs)  # B x 1
            if mode == 'loss':
                return dict(loss=((self.w - x)**2).mean())
            return [dict(w=float(self.w))] * len(x)

    class WeightMetric(BaseMetric):

        def process(self, data_batch, data_samples):
            self.results.extend(sample['w'] for sample in data_samples)

        def compute_metrics(self, results):
            return {'toy/w': results[0]}

    data = [dict(inputs=torch.tensor([float(v)])) for v in (1, 2, 3, 4)]
    loader = dict(
        dataset=data,
        sampler=dict(type='DefaultSampler', shuffle=False),
        batch_size=2,
        num_workers=0)
    # the Runner makes its default scope the current one: restore it after
    with DefaultScope.overwrite_default_scope('mmengine'):
        runner = Runner(
            model=OneWeight(),
            work_dir=str(tmp_path),
            experiment_name=f'curves_{tmp_path.name}',
            train_dataloader=loader,
            val_dataloader=loader,
            val_cfg=dict(),
            val_evaluator=Evaluator([WeightMetric()]),
            optim_wrapper=dict(optimizer=dict(type='SGD', lr=0.1)),
            param_scheduler=dict(
                type='MultiStepLR', milestones=[1], by_epoch=True, gamma=0.1),
            train_cfg=dict(by_epoch=True, max_epochs=2, val_interval=1),
            default_hooks=dict(
                logger=dict(type='LoggerHook', interval=1), checkpoint=None),
            log_processor=dict(window_size=1, by_epoch=True),
            visualizer=dict(
                type='Visualizer',
                vis_backends=[dict(type='LocalVisBackend')]),
            default_scope='mmengine')
        runner.train()

    # the same training by hand
    w, losses, lrs, w_after_epoch = 0.0, [], [], []
    for lr in (0.1, 0.01):
        for batch in ((1.0, 2.0), (3.0, 4.0)):
            losses.append(sum((w - x)**2 for x in batch) / 2)
            lrs.append(lr)
            w -= lr * sum(2 * (w - x) for x in batch) / 2
        w_after_epoch.append(w)
    # (1 + 4) / 2 and (2.7^2 + 3.7^2) / 2
    assert losses[:2] == pytest.approx([2.5, 10.49])

    curves = load_curves(str(tmp_path), ['loss', 'lr', 'toy/w', 'time'])
    np.testing.assert_array_equal(curves['loss'][0], [1, 2, 3, 4])
    np.testing.assert_allclose(curves['loss'][1], losses, rtol=1e-6)
    np.testing.assert_allclose(curves['lr'][1], lrs, rtol=1e-12)
    np.testing.assert_array_equal(curves['toy/w'][0], [2, 4])
    np.testing.assert_allclose(curves['toy/w'][1], w_after_epoch, rtol=1e-6)
    assert len(curves['time'][0]) == 4  # training lines only
    by_epoch = load_curves(str(tmp_path), ['loss', 'toy/w'], by='epoch')
    np.testing.assert_allclose(
        by_epoch['loss'][1],
        [np.mean(losses[:2]), np.mean(losses[2:])],
        rtol=1e-6)
    np.testing.assert_array_equal(by_epoch['toy/w'][0], [1, 2])
