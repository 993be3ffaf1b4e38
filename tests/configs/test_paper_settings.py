"""The faithful configs against the paper's settings (docs/method.md, "The
paper's settings and the configs").

Each faithful config is loaded and resolved (optimiser, schedule, batch,
clip sampling, crop, loss weights, ...). A resolved value must equal the
table's "Configs" column, so the table tells the truth; where it differs
from the "Paper" column, or the paper gives no value, the row must name a
decision that exists in docs/method.md.
"""
import ast
import glob
import os.path as osp
import re

import pytest
from mmengine import Config

REPO = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
METHOD = osp.join(REPO, 'docs', 'method.md')
BACKBONES = ('c3d', 'r3d-r18', 'r2plus1d-r18', 'i3d-inception-v1', 'i3d-r50')
PRETRAIN = [
    f'configs/stcr/stcr_{b}_8xb8-16x4x1-50e_ucf101-split1-rgb.py'
    for b in BACKBONES
]
FINETUNE = sorted(
    osp.relpath(p, REPO) for b in BACKBONES for p in glob.glob(
        osp.join(REPO, 'configs', 'finetune', f'{b}_*-split[123]-rgb.py'))
    if re.search(r'/[a-z0-9-]+_(scratch|stcr-pretrained)_8xb8-16x4x1-45e_'
                 r'(ucf101|hmdb51)-split[123]-rgb\.py$', p))
COLUMNS = ('key', 'setting', 'paper pretrain', 'paper finetune',
           'config pretrain', 'config finetune', 'decision')


def read_table():
    """The settings table: key -> row (the cells as text)."""
    with open(METHOD) as f:
        text = f.read()
    start = text.index("## The paper's settings and the configs")
    rows = {}
    for line in text[start:].splitlines():
        if not line.startswith('| `'):
            continue
        cells = [c.strip() for c in line.strip().strip('|').split('|')]
        assert len(cells) == len(COLUMNS), line
        row = dict(zip(COLUMNS, cells))
        rows[row['key'].strip('`')] = row
    return rows


def decisions():
    with open(METHOD) as f:
        return {
            int(n)
            for n in re.findall(r'^### Decision (\d+):', f.read(), re.M)
        }


def literal(cell):
    """A cell's Python literal; None for 'not given' and 'n/a'."""
    if cell in ('not given', 'n/a'):
        return None
    assert cell.startswith('`') and cell.endswith('`'), cell
    return ast.literal_eval(cell.strip('`'))


# ---------------------------------------------------------------- resolving
def _step(pipeline, *types):
    found = [s for s in pipeline if s['type'] in types]
    assert len(found) == 1, (types, [s['type'] for s in pipeline])
    return found[0]


def _crop(pipeline):
    step = _step(pipeline, 'TwoViewRandomCrop', 'RandomCrop')
    if step['type'] == 'TwoViewRandomCrop':
        return ('random', step['size'], 'per view')
    return ('random', step['size'])


def _lr_steps(cfg):
    [sched] = cfg.param_scheduler
    assert sched['type'] == 'MultiStepLR' and sched['by_epoch']
    assert sched['begin'] == 0 and sched['end'] == cfg.train_cfg.max_epochs
    return {'gamma': sched['gamma'], 'milestones': list(sched['milestones'])}


def _stt_codes(pipeline):
    step = _step(pipeline, 'SpatioTemporalTransform')
    return len(step['flips']) * len(step['rotations'])


def _mixup(pipeline):
    step = _step(pipeline, 'IntraVideoMixup')
    return (step['lambda_law'], step['alpha'])


RESOLVE = {
    'train_list':
    lambda cfg, train: osp.basename(cfg.train_dataloader.dataset.ann_file),
    'optimizer': lambda cfg, train: cfg.optim_wrapper.optimizer.type,
    'lr': lambda cfg, train: cfg.optim_wrapper.optimizer.lr,
    'momentum': lambda cfg, train: cfg.optim_wrapper.optimizer.momentum,
    'weight_decay':
    lambda cfg, train: cfg.optim_wrapper.optimizer.weight_decay,
    'epochs': lambda cfg, train: cfg.train_cfg.max_epochs,
    'lr_steps': lambda cfg, train: _lr_steps(cfg),
    'batch_per_gpu': lambda cfg, train: cfg.train_dataloader.batch_size,
    'base_batch_size': lambda cfg, train: cfg.auto_scale_lr.base_batch_size,
    'sync_bn': lambda cfg, train: cfg.get('sync_bn'),
    'drop_last':
    lambda cfg, train: cfg.train_dataloader.get('drop_last', False),
    'clip_grad': lambda cfg, train: cfg.optim_wrapper.get('clip_grad'),
    'clip_len': lambda cfg, train: _step(train, 'SampleFrames')['clip_len'],
    'frame_interval':
    lambda cfg, train: _step(train, 'SampleFrames')['frame_interval'],
    'resize': lambda cfg, train: tuple(_step(train, 'Resize')['scale']),
    'crop': lambda cfg, train: _crop(train),
    'flip_ratio': lambda cfg, train: _step(train, 'Flip')['flip_ratio'],
    'test_clips': lambda cfg, train: _step(
        cfg.test_dataloader.dataset.pipeline, 'SampleFrames')['num_clips'],
    'dropout': lambda cfg, train: cfg.model.cls_head.dropout_ratio,
    'stt_codes': lambda cfg, train: _stt_codes(train),
    'mixup_lambda': lambda cfg, train: _mixup(train),
    'tw_weight': lambda cfg, train: cfg.model.tw_loss.loss_weight,
    'gamma': lambda cfg, train: cfg.model.cw_loss.loss_weight,
    'cw_head': lambda cfg, train: cfg.model.cw_head.mode,
    'stop_grad': lambda cfg, train: cfg.model.type in (
        'SimSiamSTCRRecognizer', 'BYOLSTCRRecognizer'),
    'batch_views': lambda cfg, train: cfg.model.get('batch_views', True),
}


def test_the_table_covers_what_the_issue_asks():
    rows = read_table()
    assert set(rows) == set(RESOLVE)
    # optimiser, schedule, clip sampling, crop and loss weights at least
    for key in ('optimizer', 'lr', 'momentum', 'weight_decay', 'epochs',
                'lr_steps', 'batch_per_gpu', 'clip_grad', 'clip_len',
                'frame_interval', 'resize', 'crop', 'gamma', 'tw_weight',
                'mixup_lambda'):
        assert key in rows
    # what the paper's text gives (section 4.1.2)
    assert literal(rows['lr']['paper pretrain']) == 0.01
    assert literal(rows['lr']['paper finetune']) == 0.05
    assert literal(rows['epochs']['paper pretrain']) == 50
    assert literal(rows['epochs']['paper finetune']) == 45
    assert literal(rows['gamma']['paper pretrain']) == 0.1
    assert literal(rows['clip_grad']['paper pretrain']) is None
    assert rows['clip_grad']['decision'] == '19'


def test_faithful_config_lists():
    assert len(PRETRAIN) == 5 and all(
        osp.isfile(osp.join(REPO, p)) for p in PRETRAIN)
    assert len(FINETUNE) == 5 * 2 * 3 * 2


def _check(path, stage, rows=None):
    rows = rows or read_table()
    known = decisions()
    cfg = Config.fromfile(osp.join(REPO, path))
    train = cfg.train_dataloader.dataset.pipeline
    undocumented = []
    for key, row in rows.items():
        documented = row[f'config {stage}']
        if documented == 'n/a':
            assert row[f'paper {stage}'] == 'n/a', key
            continue
        value = RESOLVE[key](cfg, train)
        if isinstance(value, list):
            value = list(value)
        assert value == literal(documented), (
            f'{path}: {key} resolves to {value!r}; docs/method.md says '
            f'{documented}')
        paper = row[f'paper {stage}']
        if paper == 'not given' or literal(paper) != value:
            cited = [int(n) for n in re.findall(r'\d+', row['decision'])]
            if not cited or not set(cited) <= known:
                undocumented.append((key, paper, value, row['decision']))
    assert not undocumented, (
        f'{path} departs from the paper without a decision: {undocumented}')


@pytest.mark.parametrize('path', PRETRAIN)
def test_pretraining_config_matches_the_table(path):
    _check(path, 'pretrain')


@pytest.mark.parametrize('path', FINETUNE)
def test_finetuning_config_matches_the_table(path):
    _check(path, 'finetune')


def test_a_departure_without_decision_fails(tmp_path):
    """The check bites: a config that changes the paper's gamma fails (the
    table no longer tells the truth), and a row whose decision is removed
    fails for its departure."""
    config = tmp_path / 'gamma.py'
    config.write_text(f"_base_ = ['{osp.join(REPO, PRETRAIN[1])}']\n"
                      "model = dict(cw_loss=dict(loss_weight=0.5))\n")
    with pytest.raises(AssertionError, match='gamma resolves to 0.5'):
        _check(str(config), 'pretrain')
    rows = read_table()
    rows['clip_grad']['decision'] = ''
    with pytest.raises(AssertionError, match="without a decision.*clip_grad"):
        _check(PRETRAIN[1], 'pretrain', rows)
    rows = read_table()
    rows['momentum']['decision'] = '99'  # no such decision
    with pytest.raises(AssertionError, match="without a decision.*momentum"):
        _check(FINETUNE[0], 'finetune', rows)


@pytest.mark.parametrize('path', PRETRAIN + FINETUNE[:2])
def test_cudnn_benchmark_for_fixed_size_clips(path):
    """GPU runs search cuDNN's algorithms once per input shape: every
    training clip has the config's fixed size. The CPU adaptation of the
    tools leaves the setting alone (it does nothing without CUDA)."""
    from mmstcr.engine.launch import adapt_cfg_to_cpu
    cfg = Config.fromfile(osp.join(REPO, path))
    assert cfg.env_cfg.cudnn_benchmark is True
    train = cfg.train_dataloader.dataset.pipeline
    assert _crop(train)[1] == 112 and _step(train, 'SampleFrames')[
        'clip_len'] == 16
    notes = adapt_cfg_to_cpu(cfg)
    assert not any('cudnn' in note for note in notes)
    assert cfg.env_cfg.cudnn_benchmark is True
