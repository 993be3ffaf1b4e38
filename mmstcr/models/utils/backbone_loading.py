"""Read the weights of a checkpoint file and load a backbone from them,
strictly, with errors that name the file and the keys.

This is about *which weights go where* (finetuning from STCR). How a file is
unpickled safely (``weights_only``, the allow-list, resuming) is
``mmstcr/utils/checkpoint.py``, which this module goes through via
MMEngine's ``CheckpointLoader``."""
import os.path as osp
from collections import OrderedDict
from typing import Dict, List, Tuple

import torch
import torch.nn as nn
from mmengine.runner.checkpoint import _load_checkpoint

StateDict = Dict[str, torch.Tensor]


def load_state_dict_file(filename: str,
                         map_location: str = 'cpu') -> Tuple[StateDict, dict]:
    """Load the weights and the ``meta`` of a checkpoint file.

    Accepts MMEngine checkpoints (``{'meta', 'state_dict', 'message_hub',
    'optimizer', ...}``), ``{'model': ...}`` checkpoints and bare state dicts.
    A ``module.`` prefix left by ``DistributedDataParallel`` on every key is
    removed. The file is read through MMEngine's ``CheckpointLoader``, so the
    safe (``weights_only``) loader that ``import mmstcr`` installs applies.

    Args:
        filename (str): Path of the checkpoint.
        map_location (str): Where to put the tensors. Defaults to ``'cpu'``.

    Returns:
        tuple[OrderedDict, dict]: The state dict and the checkpoint's
        ``meta`` (empty if it has none).
    """
    if '://' not in filename and not osp.isfile(osp.expanduser(filename)):
        raise FileNotFoundError(f'checkpoint file not found: {filename}')
    checkpoint = _load_checkpoint(filename, map_location=map_location)
    if not isinstance(checkpoint, dict):
        raise TypeError(f'{filename} holds a {type(checkpoint).__name__}, '
                        'not a checkpoint dict')
    meta = checkpoint.get('meta') or {}
    if 'state_dict' in checkpoint:
        state_dict = checkpoint['state_dict']
    elif 'model' in checkpoint:
        state_dict = checkpoint['model']
    else:
        state_dict = checkpoint
        meta = {}
    bad = [k for k, v in state_dict.items() if not torch.is_tensor(v)]
    if not state_dict or bad:
        raise ValueError(
            f'{filename} has no state dict of tensors (looked at '
            f"'state_dict', 'model', then the whole file); non-tensor "
            f'entries: {bad[:5]}')
    keys = list(state_dict)
    if all(k.startswith('module.') for k in keys):
        state_dict = OrderedDict(
            (k[len('module.'):], v) for k, v in state_dict.items())
    return OrderedDict(state_dict), dict(meta)


def split_by_prefix(state_dict: StateDict,
                    prefix: str) -> Tuple[StateDict, StateDict]:
    """Split a state dict into the entries under ``prefix`` (with the prefix
    removed) and all the others (unchanged)."""
    inside, outside = OrderedDict(), OrderedDict()
    for key, value in state_dict.items():
        if key.startswith(prefix):
            inside[key[len(prefix):]] = value
        else:
            outside[key] = value
    return inside, outside


def _short_list(keys: List[str], limit: int = 20) -> str:
    shown = ', '.join(keys[:limit])
    more = f', ... ({len(keys) - limit} more)' if len(keys) > limit else ''
    return f'[{shown}{more}]'


def load_backbone_strict(backbone: nn.Module,
                         state_dict: StateDict,
                         source: str,
                         allow_unexpected: bool = False) -> List[str]:
    """Copy ``state_dict`` into ``backbone``; every weight must be there.

    Args:
        backbone (nn.Module): The module to load.
        state_dict (dict): Its weights, keys relative to ``backbone``.
        source (str): Where the weights come from, for error messages.
        allow_unexpected (bool): Whether keys of ``state_dict`` that
            ``backbone`` does not have are allowed (they are then returned).
            If False they are an error: they mean the checkpoint's backbone is
            another architecture (e.g. a deeper ResNet whose first blocks
            would load silently). Defaults to False.

    Returns:
        list[str]: The keys of ``state_dict`` that were not loaded.

    Raises:
        RuntimeError: naming ``source`` and the keys, if a weight or buffer
            of ``backbone`` is missing, has another shape, or (unless
            allowed) ``state_dict`` has keys ``backbone`` does not have.
    """
    expected = backbone.state_dict()
    missing = [k for k in expected if k not in state_dict]
    unexpected = [k for k in state_dict if k not in expected]
    mismatched = [
        f'{k}: checkpoint {tuple(state_dict[k].shape)} vs model '
        f'{tuple(v.shape)}' for k, v in expected.items()
        if k in state_dict and state_dict[k].shape != v.shape
    ]
    problems = []
    if missing:
        problems.append(f'{len(missing)} backbone weights missing from the '
                        f'checkpoint: {_short_list(missing)}')
    if mismatched:
        problems.append(f'{len(mismatched)} shape mismatches: '
                        f'{_short_list(mismatched)}')
    if unexpected and not allow_unexpected:
        problems.append(f'{len(unexpected)} checkpoint backbone weights the '
                        f'model has no place for: {_short_list(unexpected)}')
    if problems:
        name = type(backbone).__name__
        raise RuntimeError(f'cannot load the backbone ({name}) from '
                           f'{source}: ' + '; '.join(problems))
    backbone.load_state_dict(
        OrderedDict((k, state_dict[k]) for k in expected), strict=True)
    return unexpected
