"""Safe, resumable checkpoint loading under torch >= 2.6 (docs/install.md, item 5).

torch >= 2.6 loads with ``weights_only=True``: its unpickler builds tensors,
containers and plain values, and refuses any other global a pickle names, so
a checkpoint cannot run code. MMEngine 0.10.7 checkpoints also hold the
message hub's ``HistoryBuffer`` objects (numpy arrays inside) and numpy
scalars, so ``resume`` fails. Passing ``weights_only=False`` would let a
checkpoint run arbitrary code; instead :func:`setup_safe_checkpoint_loading`
allow-lists exactly the globals such a checkpoint names, found by saving real
checkpoints through the Runner (``tests/utils/test_checkpoint.py``
checks the list against one):

- ``mmengine.logging.history_buffer.HistoryBuffer``;
- ``builtins.getattr``, but only as :func:`_history_buffer_statistic`:
  ``HistoryBuffer.__getstate__`` keeps its statistics methods, which pickle
  protocol 2 writes as ``getattr(HistoryBuffer, 'mean')``. A real ``getattr``
  would reach any attribute of any object (and from there ``eval``), so the
  stand-in hands out only those four methods;
- numpy's ``ndarray``, ``dtype`` and ``multiarray._reconstruct`` (the
  buffers' arrays), ``multiarray.scalar`` (``eta`` is a ``numpy.float64``),
  and the dtype classes of float64 and int64. ``multiarray`` lives in
  ``numpy.core`` before numpy 2 and in ``numpy._core`` from numpy 2 on, and a
  checkpoint names the one it was saved with: both names are listed.

It also replaces MMEngine's local-file loader by :func:`load_from_local`,
which always passes ``weights_only=True`` and turns every failure into an
error that names the file; a file cut off while it was written is called
incomplete (:func:`checkpoint_damage`), and :func:`is_complete_checkpoint`
tells the resume fallback which files it may take. It runs on ``import mmstcr``, so MMAction2's own
tools resume safely too once a config has ``custom_imports=['mmstcr']``.

On torch < 2.6, which loads with ``weights_only=False`` by default (and
whose allow-list API lacks the ``(global, name)`` form), nothing is changed.
"""
import os.path as osp
import pickle
import zipfile
from typing import Optional

import numpy as np
import torch
from mmengine.logging.history_buffer import HistoryBuffer
from mmengine.runner.checkpoint import CheckpointLoader
from mmengine.utils import digit_version

try:  # numpy >= 2
    from numpy._core import multiarray as _multiarray
except ImportError:  # numpy 1.x
    from numpy.core import multiarray as _multiarray

SAFE_LOADING_TORCH = digit_version(torch.__version__) >= digit_version('2.6.0')
_STATISTICS = ('min', 'max', 'current', 'mean')
# Words of torch's weights_only unpickler when it refuses a global.
_REFUSALS = ('GLOBAL', 'reduce for unrecognized', 'Can only build',
             'Can only create new object', 'not allowed in a checkpoint')


class CheckpointLoadError(pickle.UnpicklingError):
    """A file could not be loaded as a (safe) checkpoint; names the file."""


def _history_buffer_statistic(obj, name):
    """Stands in for ``builtins.getattr`` in ``weights_only`` loads: returns
    only ``HistoryBuffer``'s own statistics methods."""
    if obj is HistoryBuffer and name in _STATISTICS:
        return getattr(HistoryBuffer, name)
    raise pickle.UnpicklingError(
        f'getattr({obj!r}, {name!r}) is not allowed in a checkpoint: only '
        f'HistoryBuffer.{{{",".join(_STATISTICS)}}} are')


def checkpoint_safe_globals() -> list:
    """The allow-list, in the form ``torch.serialization.add_safe_globals``
    takes (a global, or a ``(global, 'name.in.pickle')`` pair)."""
    safe = [
        HistoryBuffer,
        (_history_buffer_statistic, 'builtins.getattr'),
        np.ndarray,
        np.dtype,
        type(np.dtype(np.float64)),
        type(np.dtype(np.int64)),
    ]
    for module in ('numpy.core.multiarray', 'numpy._core.multiarray'):
        safe += [(_multiarray._reconstruct, f'{module}._reconstruct'),
                 (_multiarray.scalar, f'{module}.scalar')]
    return safe


def check_checkpoint_path(path: str) -> None:
    """Raise an error naming ``path`` if it is a local path (no ``scheme://``)
    and no file lies there. Remote paths are left to their loaders."""
    if '://' in path:
        return
    path = osp.expanduser(path)
    if not osp.exists(path):
        raise FileNotFoundError(f'checkpoint not found: {path}')
    if not osp.isfile(path):
        raise IsADirectoryError(f'checkpoint is not a file: {path}')


def load_from_local(filename, map_location=None):
    """Load a local checkpoint with ``weights_only=True``; every failure
    raises an error that names the file.

    Registered for MMEngine's ``CheckpointLoader`` (``load_from``, ``resume``,
    ``load_checkpoint``). Its name keeps MMEngine's log line ("Loads
    checkpoint by local backend").
    """
    check_checkpoint_path(filename)
    filename = osp.expanduser(filename)
    try:
        checkpoint = torch.load(
            filename, map_location=map_location, weights_only=True)
    except Exception as exc:
        damage = checkpoint_damage(filename)
        if damage is not None:
            raise CheckpointLoadError(
                f'checkpoint {filename} is incomplete: {damage}. It was '
                'most likely cut off by a kill or a full disk while it was '
                'saved. `--resume` without a path resumes from the newest '
                'complete checkpoint of the work dir') from exc
        reason = _torch_reason(exc)
        if isinstance(exc, pickle.UnpicklingError) and any(
                word in reason for word in _REFUSALS):
            raise CheckpointLoadError(
                f'refused to load checkpoint {filename}: it holds an object '
                'that is not allow-listed for safe (weights_only) loading, '
                'so loading it could run code. If you trust the file and '
                'the object is plain data, allow-list its type with '
                f'`torch.serialization.add_safe_globals`. ({reason})'
            ) from exc
        raise CheckpointLoadError(
            f'{filename} is not a PyTorch checkpoint, or it is damaged: '
            f'{type(exc).__name__}: {reason}') from exc
    check_finite_checkpoint(checkpoint, filename)
    return checkpoint


def checkpoint_damage(filename: str) -> Optional[str]:
    """Why the local file ``filename`` is not a whole checkpoint in
    PyTorch's zip format, or None if it is one.

    A zip archive ends with its index (the central directory), which
    ``torch.save`` writes last; a file cut off while it was written has
    none. The members' CRC-32 checksums are checked too, so a damaged member
    is found without unpickling anything. A file in PyTorch's legacy
    (non-zip) format is not judged here: None.
    """
    with open(filename, 'rb') as f:
        head = f.read(4)
    size = osp.getsize(filename)
    if size == 0:
        return 'the file is empty (0 bytes)'
    if not head.startswith(b'PK'):
        return None  # not a zip: legacy format, or not a checkpoint at all
    try:
        with zipfile.ZipFile(filename) as archive:
            bad = archive.testzip()
    except (zipfile.BadZipFile, OSError, EOFError) as exc:
        return (f'it is truncated ({size} bytes, and its zip index, which '
                f'is written last, is missing: {exc})')
    if bad is not None:
        return f'its member {bad!r} fails its CRC-32 check'
    return None


def is_complete_checkpoint(filename: str) -> bool:
    """True if ``filename`` is a local file holding a whole checkpoint: a
    zip archive with its index and every checksum right (see
    :func:`checkpoint_damage`), or a legacy-format file that loads."""
    if not osp.isfile(filename):
        return False
    try:
        damage = checkpoint_damage(filename)
    except OSError:
        return False
    if damage is not None:
        return False
    if zipfile.is_zipfile(filename):
        return True
    try:  # a legacy (non-zip) file: only a load tells
        load_from_local(filename, map_location='cpu')
    except Exception:
        return False
    return True


class NonFiniteCheckpointError(ValueError):
    """A checkpoint's weights hold NaN or Inf values."""


def first_non_finite_weight(checkpoint):
    """``'state_dict.backbone.conv1.weight'``: the first floating-point
    tensor of ``checkpoint``'s weights (``state_dict``, ``ema_state_dict``,
    or the checkpoint itself if it is a bare state dict) that holds a NaN or
    an Inf; None if there is none."""
    if not isinstance(checkpoint, dict):
        return None
    groups = {k: v for k, v in checkpoint.items()
              if k.endswith('state_dict') and isinstance(v, dict)}
    if not groups:
        groups = {'': checkpoint}
    for group, state in groups.items():
        for key, value in state.items():
            if (isinstance(value, torch.Tensor) and value.is_floating_point()
                    and not bool(torch.isfinite(value).all())):
                return f'{group}.{key}' if group else key
    return None


def check_finite_checkpoint(checkpoint, filename: str) -> None:
    """Raise :class:`NonFiniteCheckpointError` naming ``filename`` and the
    first non-finite weight, if any."""
    key = first_non_finite_weight(checkpoint)
    if key is not None:
        raise NonFiniteCheckpointError(
            f'checkpoint {filename} holds non-finite weights (NaN or Inf), '
            f'first in {key!r}: it comes from a diverged training and '
            'cannot be loaded, resumed or finetuned from')


def _torch_reason(exc: Exception) -> str:
    """The gist of a ``torch.load`` error, without torch's boilerplate (which
    suggests ``weights_only=False``)."""
    boilerplate = ('Weights only load failed', 'Check the documentation',
                   'Please file an issue')
    lines = [line.strip() for line in str(exc).splitlines()]
    gist = [x for x in lines if x and not x.startswith(boilerplate)]
    return ' '.join(gist) or repr(exc)


def setup_safe_checkpoint_loading() -> None:
    """Allow-list MMEngine checkpoints' globals and install
    :func:`load_from_local`. Idempotent; run by ``import mmstcr``. Does
    nothing on torch < 2.6."""
    if not SAFE_LOADING_TORCH:
        return
    torch.serialization.add_safe_globals(checkpoint_safe_globals())
    CheckpointLoader.register_scheme(
        prefixes='', loader=load_from_local, force=True)
