"""The model-zoo metafiles: in MMAction2's format, listing exactly the
configs that exist, and up to date with tools/misc/update_metafiles.py."""
import glob
import importlib.util
import os.path as osp

import pytest
import yaml

REPO = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
_spec = importlib.util.spec_from_file_location(
    'update_metafiles', osp.join(REPO, 'tools', 'misc', 'update_metafiles.py'))
tool = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(tool)

FOLDERS = tool.config_folders()


def _load(folder):
    with open(osp.join(REPO, 'configs', folder, 'metafile.yml')) as f:
        return yaml.safe_load(f)


def test_every_folder_has_readme_and_metafile():
    assert {'stcr', 'finetune', 'eval', 'demo'} <= set(FOLDERS)
    for folder in FOLDERS:
        assert osp.isfile(osp.join(REPO, 'configs', folder, 'README.md'))
        assert osp.isfile(osp.join(REPO, 'configs', folder, 'metafile.yml'))


@pytest.mark.parametrize('folder', FOLDERS)
def test_metafile_lists_exactly_the_leaf_configs(folder):
    meta = _load(folder)
    collections = {c['Name'] for c in meta['Collections']}
    listed = []
    for model in meta['Models']:
        assert {'Name', 'Config', 'In Collection', 'Metadata', 'Results',
                'Weights'} <= set(model)
        assert model['In Collection'] in collections
        assert osp.isfile(osp.join(REPO, model['Config'])), model['Config']
        assert model['Results'] is None and model['Weights'] is None, (
            'no GPU run exists: do not put results in a metafile by hand')
        listed.append(model['Config'])
    leaves = sorted(
        osp.relpath(p, REPO) for p in glob.glob(
            osp.join(REPO, 'configs', folder, '**', '*.py'), recursive=True)
        if '_base_' not in p)
    assert sorted(listed) == leaves


def test_metafiles_are_up_to_date():
    assert tool.stale_metafiles() == [], (
        'run python tools/misc/update_metafiles.py and commit the result')
    assert tool.main(['--check']) == 0


def test_paper_numbers_are_the_papers():
    finetune = {m['Name']: m for m in _load('finetune')['Models']}
    paper = finetune['i3d-r50_stcr-pretrained_8xb8-16x4x1-45e_ucf101-split1-rgb']['Paper Results'][0]
    assert paper['Metrics'] == {'Top 1 Accuracy': 68.4}
    assert paper['Source'] == 'Table 3'
    assert 'Paper Results' not in finetune['i3d-r50_stcr-pretrained_8xb8-16x4x1-45e_ucf101-split2-rgb']
    for key in tool.PAPER:
        assert osp.isfile(osp.join(REPO, 'configs', key)), key


def test_check_finds_a_stale_metafile(tmp_path, monkeypatch):
    folder = tmp_path / 'configs' / 'stcr'
    folder.mkdir(parents=True)
    (folder / 'stcr_r3d-r18_8xb8-16x4x1-50e_ucf101-split1-rgb.py').write_text(
        '# STCR pretraining of R3D.\n#   tools/dist_train.sh x 8\n'
        "_base_ = []\n")
    monkeypatch.setattr(tool, 'CONFIGS', str(tmp_path / 'configs'))
    monkeypatch.setattr(tool, 'REPO', str(tmp_path))
    assert tool.stale_metafiles() == ['configs/stcr/metafile.yml']
    assert tool.main([]) == 0
    assert tool.stale_metafiles() == []
    meta = yaml.safe_load((folder / 'metafile.yml').read_text())
    model, = meta['Models']
    assert model['Metadata']['Description'] == 'STCR pretraining of R3D.'
    assert model['Metadata']['Architecture'] == 'R3D-18'
    (folder / 'r3d_hmdb51_pretrain.py').write_text('_base_ = []\n')
    assert tool.main(['--check']) == 1
