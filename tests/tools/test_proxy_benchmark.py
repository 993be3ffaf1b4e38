"""tools/analysis/proxy_benchmark.py's command line -> plan."""
import importlib.util
import json
import os.path as osp

import pytest
from mmengine import Config

REPO = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))


def _tool():
    spec = importlib.util.spec_from_file_location(
        'proxy_benchmark',
        osp.join(REPO, 'tools', 'analysis', 'proxy_benchmark.py'))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


tool = _tool()
CFG = Config.fromfile(osp.join(REPO, 'configs/benchmark/stcr_proxy_motion.py'))


def test_default_plan_runs_the_default_methods_on_three_seeds(tmp_path):
    plan = tool.make_plan(tool.parse_args(['--work-dir', str(tmp_path)]),
                          CFG)
    assert list(plan.methods) == list(CFG.default_methods)
    assert {'scratch', 'faithful', 'simsiam'} <= set(plan.methods)
    every = tool.make_plan(
        tool.parse_args(['--work-dir', str(tmp_path), '--methods', 'all']),
        CFG)
    assert list(every.methods) == list(CFG.methods) and len(CFG.methods) == 8
    assert plan.seeds == [0, 1, 2] and plan.protocol == 'low-label'
    assert plan.work_dir == osp.join(str(tmp_path), 'low-label')
    assert plan.data_root == osp.join(str(tmp_path), 'data')
    assert plan.repo == REPO  # the CLI passes its repository in
    assert 0.1 <= plan.label_fraction <= 0.2
    # both protocols share the pretraining of a seed
    paper = tool.make_plan(
        tool.parse_args(['--work-dir', str(tmp_path), '--protocol', 'paper']),
        CFG)
    assert paper.label_fraction == 1.0
    assert paper.pretrain_dir(1, 'simsiam') == plan.pretrain_dir(1, 'simsiam')


def test_methods_subset_keeps_the_baseline_and_data_root(tmp_path):
    plan = tool.make_plan(
        tool.parse_args(['--methods', 'vicreg', '--data-root',
                         str(tmp_path / 'ucf'), '--seeds', '5']), CFG)
    assert list(plan.methods) == ['scratch', 'vicreg']
    assert plan.data_root == str(tmp_path / 'ucf') and len(plan.seeds) == 5


@pytest.mark.parametrize('argv, message', [
    (['--methods', 'moco'], 'unknown method'),
    (['--seeds', '0'], '--seeds'),
])
def test_bad_arguments_are_refused(argv, message):
    with pytest.raises(SystemExit, match=message):
        tool.make_plan(tool.parse_args(argv), CFG)


def test_pretrain_epochs_override_the_config(tmp_path):
    plan = tool.make_plan(
        tool.parse_args(['--work-dir', str(tmp_path), '--pretrain-epochs',
                         '32']), CFG)
    assert plan.pretrain_epochs == 32 != CFG.pretrain_epochs
    assert plan.finetune_epochs == CFG.protocols['low-label'][
        'finetune_epochs']
    with pytest.raises(SystemExit, match='--pretrain-epochs'):
        tool.make_plan(tool.parse_args(['--pretrain-epochs', '0']), CFG)


def test_work_dir_keeps_its_pretraining_budget(tmp_path):
    from mmstcr_tools.benchmark.proxy import check_pretrain_budget
    plan = tool.make_plan(tool.parse_args(['--work-dir', str(tmp_path)]),
                          CFG)
    check_pretrain_budget(plan)  # records the budget
    check_pretrain_budget(plan)  # the same budget: accepted
    assert json.loads((tmp_path / 'pretrain' / 'budget.json').read_text()
                      ) == dict(pretrain_epochs=CFG.pretrain_epochs)
    longer = tool.make_plan(
        tool.parse_args(['--work-dir', str(tmp_path), '--pretrain-epochs',
                         '32']), CFG)
    with pytest.raises(SystemExit, match='budget.json.*32 asked'):
        check_pretrain_budget(longer)
