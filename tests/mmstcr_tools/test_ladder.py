"""The benchmark run: the "cannot measure" exit, the order of the steps,
and a tiny end-to-end run through MMEngine's Runner."""
import json
import os.path as osp

import pytest
from mmengine.config import Config

from mmstcr_tools.benchmark import ladder as ladder_mod
from mmstcr_tools.benchmark.ladder import CANNOT_MEASURE, Ladder
from mmstcr_tools.synthetic import GeneratorConfig, generate_dataset

CONFIG = osp.join(
    osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__)))), 'configs',
    'benchmark', 'stcr_ladder.py')


@pytest.fixture(scope='module')
def tree(tmp_path_factory):
    root = tmp_path_factory.mktemp('motion')
    generate_dataset(
        str(root),
        GeneratorConfig(test_groups=1, pool_groups=3, test_clips=2,
                        pool_clips=3, num_frames=20),
        workers=1)
    return str(root)


def _fake(values):
    """A run_one that returns preset top-1 per (method, seed)."""
    calls = []

    def run_one(self, name, seed, split='test', candidates=None):
        calls.append((name, seed))
        metrics = {m: values[name][seed] for m in ('kNN', 'linear',
                                                   'finetune')}
        self.progress[self._key(name, seed, split)] = dict(metrics=metrics)
        return metrics

    return run_one, calls


@pytest.mark.parametrize('ceiling, status', [((0.15, 0.19, 0.16), 3),
                                             ((0.45, 0.47, 0.50), 0)])
def test_controls_first_then_check(tree, tmp_path, monkeypatch, ceiling,
                                   status):
    cfg = Config.fromfile(CONFIG)
    values = dict(scratch=(0.17, 0.18, 0.16), supervised=ceiling,
                  pace=(0.3, 0.31, 0.29), stcr=(0.17, 0.16, 0.18))
    run_one, calls = _fake(values)
    monkeypatch.setattr(Ladder, 'run_one', run_one)
    lines = []
    lad = Ladder(cfg, str(tmp_path), tree, log=lines.append)
    assert lad.run(['pace', 'stcr'], [0, 1, 2]) == status
    assert calls[:6] == [(n, s) for s in range(3)
                         for n in ('scratch', 'supervised')]
    data = json.load(open(tmp_path / 'results.json'))
    assert data['methods']['scratch']['role'] == 'floor'
    assert data['methods']['supervised']['role'] == 'ceiling'
    assert (tmp_path / 'ladder.png').stat().st_size > 1000
    table = (tmp_path / 'table.md').read_text()
    if status == CANNOT_MEASURE:
        assert len(calls) == 6  # no method ran
        assert any('CANNOT MEASURE' in line for line in lines)
        assert 'pace' not in data['methods']
        assert not data['measurable']['kNN']['measurable']
    else:
        assert len(calls) == 12
        assert data['methods']['pace']['kNN'] == pytest.approx(
            [30., 31., 29.])
        assert '| pace | method |' in table


def test_tiny_end_to_end(tree, tmp_path, capsys):
    """Every step for real with a few iterations: pretraining, kNN, linear
    probe and finetuning through MMEngine's Runner; the outputs appear
    whichever metrics the 2-iteration ceiling beats the floor on, and the
    status and the rungs run follow from the recorded check."""
    import importlib.util
    spec = importlib.util.spec_from_file_location(
        'stcr_ladder_tool',
        osp.join(osp.dirname(osp.dirname(CONFIG)), '..', 'tools', 'analysis',
                 'stcr_ladder.py'))
    tool = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(tool)
    status = tool.main([
        '--data-root', tree, '--work-dir',
        str(tmp_path), '--seeds', '0', '--overhead-iters', '1', '--methods',
        'scratch', 'supervised', 'pace_stcr_simsiam', '--cfg-options',
        'protocol.pretrain_iters=2', 'protocol.finetune_iters=2',
        'protocol.batch_size=4', 'protocol.finetune_batch_size=4'
    ])
    assert status in (0, CANNOT_MEASURE)
    data = json.load(open(tmp_path / 'results.json'))
    assert 0 < data['overhead']['ratio']
    for name in ('scratch', 'supervised'):
        for metric in ('kNN', 'linear', 'finetune'):
            (value, ) = data['methods'][name][metric]
            assert 0 <= value <= 100
    # the method runs unless no metric measures; the status is 0 only if
    # every metric measures
    measures = [v['measurable'] for v in data['measurable'].values()]
    assert status == (0 if all(measures) else CANNOT_MEASURE)
    assert ('pace_stcr_simsiam' in data['methods']) == any(measures)
    progress = json.load(open(tmp_path / 'progress.json'))
    assert len(progress) == (3 if any(measures) else 2)
    assert (tmp_path / 'ladder.png').exists()
    out = capsys.readouterr().out
    assert 'runner vs bare PyTorch loop' in out


def test_module_never_imported_by_runtime():
    """mmstcr (the runtime) does not import the tools package."""
    import subprocess
    import sys
    code = ('import sys, mmstcr, mmstcr.models, mmstcr.datasets; '
            "print(any(m.startswith('mmstcr_tools') for m in sys.modules))")
    out = subprocess.run([sys.executable, '-c', code], capture_output=True,
                         text=True, check=True).stdout.strip()
    assert out == 'False'
    assert ladder_mod.CANNOT_MEASURE == 3


def test_calibration_picks_the_optimiser_both_controls_register(
        tree, tmp_path, monkeypatch):
    """Under 'a' the ceiling gains 40 points but pace 2; under 'b' they gain
    20 and 10: the score is the smaller gain, so 'b' (10 > 2) is chosen.
    Only the validation split is read, and the protocol is left as it
    was."""
    cfg = Config.fromfile(CONFIG)
    cfg.calibration.seeds = [0, 1]
    cfg.calibration.optimizers = dict(a=dict(type='SGD', lr=0.1),
                                      b=dict(type='Adam', lr=1e-3))
    gains = dict(SGD=dict(supervised=0.4, pace=0.02),
                 Adam=dict(supervised=0.2, pace=0.1))
    splits = []

    def run_one(self, name, seed, split='test', candidates=None):
        splits.append(split)
        kind = self.protocol.optimizer['type']
        value = 0.2 + gains[kind].get(name, 0.0) + 0.01 * seed
        return dict(kNN=value, linear=value, finetune=value)

    monkeypatch.setattr(Ladder, 'run_one', run_one)
    lad = Ladder(cfg, str(tmp_path), tree, log=lambda line: None)
    before = dict(lad.protocol.optimizer)
    out = lad.calibrate(str(tmp_path / 'cal'))
    assert out['selected'] == 'b'
    assert out['scores'] == pytest.approx(dict(a=0.02, b=0.1))
    assert set(splits) == {'val'} and len(splits) == 2 * 2 * 3
    assert dict(lad.protocol.optimizer) == before
    saved = json.load(open(tmp_path / 'cal' / 'calibration.json'))
    assert saved['selected'] == 'b'
    assert '| b | 20.5 | 40.5 | 30.5 | +10.0 |' in (
        tmp_path / 'cal' / 'calibration.md').read_text()


def test_progress_key_follows_the_protocol(tree, tmp_path):
    """A result is reused only under the protocol it was measured with:
    the optimiser or the budget change the key, the seed list does not."""
    cfg = Config.fromfile(CONFIG)
    lad = Ladder(cfg, str(tmp_path), tree, log=lambda line: None)
    lad.prepare_data()
    key = lad._key('pace', 0, 'test')
    lad.protocol.seeds = [5, 6, 7]
    assert lad._key('pace', 0, 'test') == key
    lad.protocol.optimizer = dict(type='Adam', lr=1e-3)
    assert lad._key('pace', 0, 'test') != key
    lad.protocol = Config.fromfile(CONFIG).protocol
    lad.protocol.pretrain_iters = 1
    assert lad._key('pace', 0, 'test') != key
    assert lad._key('pace', 0, 'val') != lad._key('pace', 0, 'test')


def test_quick_protocol_is_the_protocol_with_fewer_iterations():
    cfg = Config.fromfile(CONFIG)
    quick = cfg.quick_protocol
    assert set(quick) <= set(cfg.protocol)
    assert quick.pretrain_iters < cfg.protocol.pretrain_iters
    assert quick.finetune_iters < cfg.protocol.finetune_iters


def test_a_metric_that_cannot_measure_loses_its_gap_not_the_run(
        tree, tmp_path, monkeypatch):
    """The ceiling beats the floor in kNN and the probe on every seed, but
    not in finetuning: the methods still run, finetuning's gaps are n/a,
    the report names it, and the status is 3."""
    cfg = Config.fromfile(CONFIG)
    knn = dict(scratch=(0.17, 0.18, 0.16), supervised=(0.60, 0.62, 0.61),
               pace=(0.30, 0.31, 0.29))
    finetune = dict(scratch=(0.30, 0.20, 0.25), supervised=(0.25, 0.40, 0.22),
                    pace=(0.28, 0.21, 0.26))

    def run_one(self, name, seed, split='test', candidates=None):
        metrics = dict(kNN=knn[name][seed], linear=knn[name][seed],
                       finetune=finetune[name][seed])
        self.progress[self._key(name, seed, split)] = dict(metrics=metrics)
        return metrics

    monkeypatch.setattr(Ladder, 'run_one', run_one)
    lines = []
    lad = Ladder(cfg, str(tmp_path), tree, log=lines.append)
    assert lad.run(['pace'], [0, 1, 2]) == CANNOT_MEASURE
    assert lad.done('pace', 2) and not lad.done('stcr', 0)
    data = json.load(open(tmp_path / 'results.json'))
    assert data['methods']['pace']['finetune'] == pytest.approx(
        [28., 21., 26.])
    assert data['measurable']['kNN']['measurable']
    assert not data['measurable']['finetune']['measurable']
    table = (tmp_path / 'table.md').read_text()
    pace_row = next(r for r in table.splitlines()
                    if r.startswith('| pace |')).split(' | ')
    # kNN gap (0.30 - 0.17) / (0.61 - 0.17) = 0.295; finetune gap n/a
    assert pace_row[4] == '+0.30' and pace_row[10] == 'n/a'
    assert 'THE PROTOCOL CANNOT MEASURE finetune' in table
    assert any('the methods run, without a gap closed for finetune' in line
               for line in lines)


def test_search_selects_on_validation_and_keeps_the_check(
        tree, tmp_path, monkeypatch):
    """The candidate best on the validation split is selected even when
    another is best on the test videos (the test split is read only for
    the selected one); on the test seeds the ceiling does not beat the
    floor in finetuning, so that column's gaps are n/a there too."""
    cfg = Config.fromfile(CONFIG)
    cfg.search.seeds = [0, 1]
    cfg.search.test_seeds = [0, 1, 2]
    names = list(cfg.search.candidates)
    val = {names[0]: 0.40, names[1]: 0.20}
    test = {names[0]: 0.25, names[1]: 0.50}
    read = []

    def run_one(self, name, seed, split='test', candidates=None):
        read.append((name, split))
        base = dict(scratch=0.17, supervised=0.60, pace=0.30)
        value = (val if split == 'val' else test).get(
            name, base.get(name, 0.10))
        value += 0.01 * seed
        # finetuning: the ceiling is 5 points below, above, below the floor
        finetune = dict(scratch=(0.30, 0.25, 0.30),
                        supervised=(0.25, 0.30, 0.25)).get(name,
                                                           (value, ) * 3)
        finetune = finetune[seed]
        metrics = dict(kNN=value, linear=value, finetune=finetune)
        self.progress[self._key(name, seed, split)] = dict(metrics=metrics)
        return metrics

    monkeypatch.setattr(Ladder, 'run_one', run_one)
    lines = []
    lad = Ladder(cfg, str(tmp_path), tree, log=lines.append)
    lad.prepare_data()
    out = lad.search(str(tmp_path / 'search'))
    assert out['selected'] == names[0]
    assert {n for n, split in read if split == 'test'} == {
        'scratch', 'supervised', 'pace', names[0]}
    table = (tmp_path / 'search' / 'table.md').read_text()
    row = next(r for r in table.splitlines()
               if r.startswith(f'| {names[0]} |')).split(' | ')
    # kNN gap on the test seeds: (0.26 - 0.18) / (0.61 - 0.18) = 0.186
    assert row[4] == '+0.19' and row[10] == 'n/a'
    assert 'THE PROTOCOL CANNOT MEASURE finetune' in table
    saved = json.load(open(tmp_path / 'search' / 'results.json'))
    assert not saved['measurable']['finetune']['measurable']
