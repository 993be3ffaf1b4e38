"""Regenerate the ``metafile.yml`` of every config folder from its configs.

    python tools/misc/update_metafiles.py          # rewrite the metafiles
    python tools/misc/update_metafiles.py --check  # exit 1 if one is stale

One metafile per folder of ``configs/`` (``_base_`` excepted), in
MMAction2's format (``Collections`` / ``Models`` with ``Name``, ``Config``,
``In Collection``, ``Metadata``, ``Results``, ``Weights``). Each leaf config
(also in sub-folders such as ``configs/stcr/ablations/``) becomes one model:

- ``Metadata`` from its file name (``{backbone}_{dataset}_...``) and its
  opening comment (``Description``);
- ``Results`` is null and ``Weights`` is null: no run of these configs on a
  GPU exists yet (see each folder's README.md);
- ``Paper Results`` holds the paper's top-1 accuracy where the paper reports
  one for exactly this setting (``PAPER`` below), so that a future run has
  its target next to it.

Adding a config needs no edit here: run this script and commit the result
(``tests/tools/test_update_metafiles.py`` fails while a metafile is stale).
"""
import argparse
import os
import os.path as osp
import re
import sys
from typing import Dict, List, Optional

REPO = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
CONFIGS = osp.join(REPO, 'configs')
PAPER_TITLE = ('Self-supervised learning using consistency regularization '
               'of spatio-temporal data augmentation for action recognition')

COLLECTIONS = {
    'stcr': ('STCR pretraining', 'Self-Supervised Video Pretraining'),
    'finetune': ('STCR finetuning', 'Action Recognition'),
    'eval': ('STCR frozen-backbone evaluation', 'Video Retrieval'),
    'demo': ('STCR quick start', 'Action Recognition'),
}
ARCHITECTURES = {
    'i3d-r50': 'I3D (inflated ResNet-50)',
    'i3d-inception-v1': 'I3D (Inception-v1)',
    'r2plus1d-r18': 'R(2+1)D-18',
    'c3d': 'C3D',
    'r3d-r18': 'R3D-18',
    'r3d-tiny': 'R3D-18 (narrow)',
}
DATASETS = {
    'ucf101': 'UCF101',
    'hmdb51': 'HMDB51',
    'kinetics400': 'Kinetics-400',
    'sthv2': 'Something-Something V2',
    'motion': 'synthetic motion dataset',
}
# The paper's top-1 accuracy [%] per config (relative to configs/). Table 3
# and Table 2 are finetuning on split 1 (section 4.2 runs its ablations on
# split 1, and Table 3's I3D rows equal Table 2's).
_TABLE3 = {
    'c3d': ((60.4, 22.4), (66.4, 29.2)),
    'r3d-r18': ((54.6, 21.3), (61.2, 30.4)),
    'r2plus1d-r18': ((56.6, 21.4), (70.5, 31.9)),
    'i3d-r50': ((60.3, 24.2), (68.4, 32.2)),
}
_PRETRAIN = '8xb8-16x4x1-50e_ucf101-split1-rgb'
PAPER: Dict[str, List[dict]] = {}
for _b, (_scratch, _stcr) in _TABLE3.items():
    for _i, _dataset in enumerate(('ucf101', 'hmdb51')):
        for _init, _vals in (('scratch', _scratch),
                             ('stcr-pretrained', _stcr)):
            PAPER[f'finetune/{_b}_{_init}_8xb8-16x4x1-45e_{_dataset}-'
                  'split1-rgb.py'] = [
                dict(Dataset=DATASETS[_dataset], Source='Table 3',
                     Metrics={'Top 1 Accuracy': _vals[_i]})
            ]
for _name, _vals in (('stt-only', (63.2, 27.9)), ('im-only', (64.3, 30.3))):
    PAPER[f'stcr/ablations/stcr-{_name}_i3d-r50_{_PRETRAIN}.py'] = [
        dict(Dataset='UCF101 (finetuned I3D, split 1)', Source='Table 2',
             Metrics={'Top 1 Accuracy': _vals[0]}),
        dict(Dataset='HMDB51 (finetuned I3D, split 1)', Source='Table 2',
             Metrics={'Top 1 Accuracy': _vals[1]}),
    ]
# Table 1 (I3D, one column; its baseline 24.2 is Table 2's HMDB51 scratch
# row, so HMDB51 split 1; docs/method.md, decision 11). Intra-Video Mixup
# (30.2) is the IM-only config, which also carries Table 2's numbers.
for _name, _top1 in (('gaussian', 25.8), ('video-mixup', 23.1),
                     ('video-cutmix', 24.0), ('inter-video-mixup', 28.0)):
    PAPER[f'stcr/ablations/stcr-noise-{_name}_i3d-r50_{_PRETRAIN}.py'] = [
        dict(Dataset='HMDB51 (finetuned I3D, split 1)', Source='Table 1',
             Metrics={'Top 1 Accuracy': _top1})
    ]
# Table 4 (C3D, mean of 3 splits): the pretext rows.
for _name, _vals in (('clip-order', (65.6, 28.4)),
                     ('clip-order-stcr', (70.4, 34.8)),
                     ('shuffle-learn', (50.2, 18.1)),
                     ('shuffle-learn-stcr', (67.3, 33.4))):
    PAPER[f'stcr/pretext/{_name}_c3d_8xb8-16x1x3-50e_ucf101-split1-rgb.py'
          ] = [
        dict(Dataset=f'{DATASETS[_d]} (finetuned C3D, mean of 3 splits)',
             Source='Table 4', Metrics={'Top 1 Accuracy': _vals[_i]})
        for _i, _d in enumerate(('ucf101', 'hmdb51'))
    ]
for _b, (_, _stcr) in _TABLE3.items():
    PAPER[f'stcr/stcr_{_b}_{_PRETRAIN}.py'] = [
        dict(Dataset=f'{DATASETS[_d]} (finetuned, split 1)',
             Source='Table 3', Metrics={'Top 1 Accuracy': _stcr[_i]})
        for _i, _d in enumerate(('ucf101', 'hmdb51'))
    ]


def leaf_configs(folder: str) -> List[str]:
    """Paths (relative to configs/) of the leaf configs under ``folder``."""
    found = []
    for root, dirs, files in os.walk(osp.join(CONFIGS, folder)):
        dirs[:] = sorted(d for d in dirs if d not in ('_base_',
                                                      '__pycache__'))
        found += [
            osp.relpath(osp.join(root, f), CONFIGS) for f in sorted(files)
            if f.endswith('.py')
        ]
    return sorted(found)


def opening_comment(path: str) -> str:
    """The config's first comment block, as one line."""
    words = []
    with open(path) as f:
        for line in f:
            if not line.startswith('#'):
                break
            text = line[1:].strip()
            if text.startswith(('tools/', 'python ', '--cfg-options')):
                break  # the commands start: the prose is over
            words.append(text)
    text = re.sub(r'\s+', ' ', ' '.join(words)).strip()
    if text and not text.endswith(('.', ')')) and '. ' in text:
        text = text[:text.rindex('. ') + 1]  # drop "... with" before a command
    return text


def _metadata(rel: str) -> dict:
    """Fields read from a name in MMAction2's pattern,
    ``[{algorithm}_]{backbone}[_{init}]_{spec}_{data}[-split{k}]-rgb``."""
    tokens = osp.splitext(osp.basename(rel))[0].split('_')
    meta = {}
    arch = next((t for t in tokens if t in ARCHITECTURES), None)
    if arch:
        meta['Architecture'] = ARCHITECTURES[arch]
    data = re.fullmatch(r'([a-z0-9]+?)(?:-split(\d))?(?:-rgb)?', tokens[-1])
    if data and data.group(1) in DATASETS:
        meta['Training Data'] = DATASETS[data.group(1)]
        if data.group(2):
            meta['Split'] = int(data.group(2))
    if tokens[0].startswith('stcr') or rel.startswith('stcr/') or any(
            t.startswith('stcr-pretrained') for t in tokens):
        meta['Pretrained'] = 'STCR (self-supervised)'
    elif 'scratch' in tokens:
        meta['Pretrained'] = 'none (random init)'
    meta['Training Resources'] = ('1 CPU' if rel.startswith('demo/') else
                                  '8 GPUs')
    return meta


def _yaml_scalar(value) -> str:
    if value is None:
        return 'null'
    if isinstance(value, (int, float)):
        return repr(value)
    text = str(value)
    return "'" + text.replace("'", "''") + "'"


def _yaml(value, indent: int) -> List[str]:
    """A small YAML writer (stable output, no dependency on key order)."""
    pad = ' ' * indent
    lines = []
    if isinstance(value, dict):
        for key, item in value.items():
            if isinstance(item, (dict, list)) and item:
                lines.append(f'{pad}{key}:')
                lines += _yaml(item, indent + 2)
            else:
                lines.append(f'{pad}{key}: {_yaml_scalar(item or None)}'
                             if isinstance(item, (dict, list)) else
                             f'{pad}{key}: {_yaml_scalar(item)}')
    else:
        for item in value:
            sub = _yaml(item, indent + 2)
            lines.append(f'{pad}- {sub[0].lstrip()}')
            lines += sub[1:]
    return lines


def metafile_text(folder: str) -> Optional[str]:
    """The metafile of ``configs/<folder>``, or None if it has no config."""
    configs = leaf_configs(folder)
    if not configs:
        return None
    name, task = COLLECTIONS.get(folder, (f'STCR {folder}',
                                          'Action Recognition'))
    models = []
    for rel in configs:
        model = {
            'Name': osp.splitext(osp.basename(rel))[0],
            'Config': f'configs/{rel}',
            'In Collection': name,
            'Metadata': dict(_metadata(rel),
                             Description=opening_comment(
                                 osp.join(CONFIGS, rel))),
            'Results': None,
            'Weights': None,
        }
        if rel in PAPER:
            model['Paper Results'] = [
                dict(Task=task, **entry) for entry in PAPER[rel]
            ]
        models.append(model)
    doc = {
        'Collections': [{
            'Name': name,
            'README': f'configs/{folder}/README.md',
            'Paper': {'Title': PAPER_TITLE},
        }],
        'Models': models,
    }
    header = ('# Generated by tools/misc/update_metafiles.py from the '
              'configs; do not edit.\n# Results and Weights are null: no '
              'GPU run of these configs exists yet.\n')
    return header + '\n'.join(_yaml(doc, 0)) + '\n'


def config_folders() -> List[str]:
    # configs/benchmark/ holds the proxy benchmark's settings, not models
    return sorted(d for d in os.listdir(CONFIGS)
                  if osp.isdir(osp.join(CONFIGS, d))
                  and d not in ('_base_', 'benchmark')
                  and not d.startswith(('.', '__')))


def stale_metafiles() -> List[str]:
    """Metafiles that differ from what this script would write."""
    stale = []
    for folder in config_folders():
        path = osp.join(CONFIGS, folder, 'metafile.yml')
        text = metafile_text(folder)
        current = open(path).read() if osp.isfile(path) else None
        if text != current:
            stale.append(osp.relpath(path, REPO))
    return stale


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--check', action='store_true',
                        help='write nothing; exit 1 if a metafile is stale')
    args = parser.parse_args(argv)
    stale = stale_metafiles()
    if args.check:
        for path in stale:
            print(f'stale: {path} (run python tools/misc/update_metafiles.py)')
        return 1 if stale else 0
    for folder in config_folders():
        text = metafile_text(folder)
        if text is not None:
            with open(osp.join(CONFIGS, folder, 'metafile.yml'), 'w') as f:
                f.write(text)
    print(f'updated: {stale}' if stale else 'all metafiles up to date')
    return 0


if __name__ == '__main__':
    sys.exit(main())
