"""Convert an STCR checkpoint into a backbone-only checkpoint.

    python tools/model_converters/stcr_to_backbone.py IN OUT
        [--prefix backbone.] [--strip-prefix]

``IN`` is a checkpoint of STCR pretraining (``STCRRecognizer``: the shared
backbone under ``backbone.*``, the channel-wise heads ``cw_head_clean.*`` /
``cw_head_noise.*``, perhaps a pretext head, plus the optimizer and message
hub). ``OUT`` gets ``{'state_dict': <the backbone.* tensors>, 'meta': {...}}``:
only the backbone weights and buffers (keys keep the ``backbone.`` prefix),
and in ``meta`` where they came from (file, SHA-256, epoch, iter, the
pretraining config) and which keys were dropped. No optimizer, no message
hub: the file is small and loads with ``torch.load(weights_only=True)``.

How to use ``OUT`` to finetune with a config of stock MMAction2
(``Recognizer3D`` + ``ResNet3d``/``ResNet2Plus1d``/``C3D``), measured with
MMAction2 1.1.0 and MMEngine 0.10.7:

1. ``load_from = 'OUT'`` (top level of the config) works: the Runner loads
   ``OUT`` into the whole model after ``init_weights()``, every
   ``backbone.*`` weight lands, and the classification head keeps its fresh
   initialisation. The load is not strict: MMEngine only warns, in the log,
   about the missing ``cls_head.*`` keys and would do the same for missing
   backbone keys, so read that warning. ``load_from`` is also what
   ``--resume`` replaces.
2. ``custom_hooks = [dict(type='STCRPretrainedHook', checkpoint='OUT')]``
   (needs ``custom_imports = dict(imports=['mmstcr'])``) does the same
   strictly: a missing backbone weight or a shape mismatch is an error. It
   takes ``IN`` just as well, so the conversion is optional for it.
3. ``model.backbone.init_cfg = dict(type='Pretrained', checkpoint='OUT',
   prefix='backbone.')`` does NOT work: ``ResNet3d.init_weights`` and
   ``C3D.init_weights`` ignore ``init_cfg`` and initialise randomly (C3D
   does not even accept the argument), silently.
4. ``model.backbone.pretrained = 'OUT'`` (with ``pretrained2d=False`` for
   ``ResNet3d``) loads nothing from this file: those backbones load their
   ``pretrained`` file into themselves with keys relative to the backbone,
   and only warn. Convert with ``--strip-prefix`` to write such keys
   (``conv1.conv.weight``, ...); then ``pretrained`` works (not strict).
5. ``model.init_cfg = ...`` raises ``TypeError``: MMAction2's recognizers
   take no ``init_cfg``.
"""
import argparse
import hashlib
import os
import os.path as osp
import sys
from collections import OrderedDict

import numpy as np
import torch

from mmstcr.models.utils import load_state_dict_file, split_by_prefix

_META_KEYS = ('epoch', 'iter', 'seed', 'experiment_name', 'time',
              'mmengine_version', 'cfg')


def _plain(value):
    """A value safe for ``weights_only`` loading (numpy scalars -> Python),
    or None if it is not plain data."""
    if isinstance(value, np.generic):
        return value.item()
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    return None


def _sha256(path: str) -> str:
    digest = hashlib.sha256()
    with open(path, 'rb') as f:
        for block in iter(lambda: f.read(1 << 20), b''):
            digest.update(block)
    return digest.hexdigest()


def convert(src: str,
            dst: str,
            prefix: str = 'backbone.',
            strip_prefix: bool = False) -> dict:
    """Write the backbone of checkpoint ``src`` to ``dst``.

    Args:
        src (str): The STCR checkpoint.
        dst (str): Where to write the backbone checkpoint.
        prefix (str): Key prefix of the backbone. Defaults to
            ``'backbone.'``.
        strip_prefix (bool): Write keys without ``prefix`` (for a backbone's
            ``pretrained=``). Defaults to False.

    Returns:
        dict: The checkpoint written.
    """
    if not prefix.endswith('.'):
        raise ValueError(f"prefix must end with '.', got {prefix!r}")
    state_dict, src_meta = load_state_dict_file(src)
    backbone, dropped = split_by_prefix(state_dict, prefix)
    if not backbone:
        raise KeyError(f'no key of {src} starts with {prefix!r}; its first '
                       f'keys are {list(state_dict)[:5]}')
    out_prefix = '' if strip_prefix else prefix
    out_state = OrderedDict(
        (out_prefix + k, v.detach().clone().contiguous())
        for k, v in backbone.items())
    meta = dict(
        converted_by='tools/model_converters/stcr_to_backbone.py',
        source=osp.abspath(src),
        source_sha256=_sha256(src),
        key_prefix=out_prefix,
        num_tensors=len(out_state),
        dropped_keys=list(dropped))
    for key in _META_KEYS:
        value = _plain(src_meta.get(key))
        if value is not None:
            meta[f'source_{key}'] = value
    checkpoint = dict(state_dict=out_state, meta=meta)
    if osp.dirname(dst):
        os.makedirs(osp.dirname(dst), exist_ok=True)
    torch.save(checkpoint, dst)
    return checkpoint


def parse_args(argv=None):
    parser = argparse.ArgumentParser(
        description='Keep only the backbone weights of an STCR checkpoint')
    parser.add_argument('src', metavar='IN', help='STCR checkpoint')
    parser.add_argument('dst', metavar='OUT', help='output checkpoint')
    parser.add_argument(
        '--prefix',
        default='backbone.',
        help='key prefix of the backbone (default: backbone.)')
    parser.add_argument(
        '--strip-prefix',
        action='store_true',
        help='write keys relative to the backbone, for '
        'model.backbone.pretrained=OUT (default: keep the prefix, for '
        'load_from=OUT)')
    return parser.parse_args(argv)


def main(argv=None):
    args = parse_args(argv)
    checkpoint = convert(args.src, args.dst, args.prefix, args.strip_prefix)
    meta = checkpoint['meta']
    print(f"wrote {meta['num_tensors']} backbone tensors to {args.dst}; "
          f"dropped {len(meta['dropped_keys'])} keys: {meta['dropped_keys']}")


if __name__ == '__main__':
    sys.exit(main())
