"""Stop training at the first NaN or Inf, before it reaches a checkpoint."""
import math
from typing import Optional

import torch
from mmaction.registry import HOOKS
from mmengine.hooks import Hook


class NonFiniteLossError(FloatingPointError):
    """A loss term (or a weight about to be saved) is NaN or infinite."""


def _as_float(value) -> Optional[float]:
    if isinstance(value, torch.Tensor):
        return float(value.detach().float().mean()) if value.numel() else None
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


def first_non_finite(state_dict) -> Optional[str]:
    """The first key of ``state_dict`` whose floating-point tensor holds a
    NaN or an Inf, or None."""
    for key, value in state_dict.items():
        if (isinstance(value, torch.Tensor) and value.is_floating_point()
                and not bool(torch.isfinite(value).all())):
            return key
    return None


@HOOKS.register_module()
class FiniteLossHook(Hook):
    """Stop training at the first non-finite loss term, and never save a
    non-finite checkpoint.

    After each training iteration it looks at every value the model
    returned (``loss_tw``, ``loss_cw``, ..., the total ``loss``, and
    logged-only values such as ``feat_std``): the first that is NaN or
    infinite stops training with a :class:`NonFiniteLossError` that names
    the iteration, the epoch, the term, its value, the other terms and the
    learning rate. It runs before ``CheckpointHook``, so the state of that
    iteration is not saved. Before any checkpoint is written it also checks
    the model's weights: the optimiser step of an iteration whose loss was
    still finite can already have produced NaN weights.

    The terms are checked in the order the model returns them, the total
    ``loss`` last, so the message names the term that went bad.

    In the default runtime (``default_hooks.finite_loss``).
    Turn it off with ``enabled=False`` (``--cfg-options
    default_hooks.finite_loss.enabled=False``); MMEngine accepts ``None`` only
    for its own default hooks.

    Args:
        enabled (bool): Check. Defaults to True.
    """

    priority = 'ABOVE_NORMAL'

    def __init__(self, enabled: bool = True) -> None:
        self.enabled = enabled

    @staticmethod
    def _lr(runner) -> str:
        try:
            lrs = runner.optim_wrapper.get_lr()
        except Exception:  # no optimiser wrapper, or a custom one
            return 'unknown'
        parts = []
        for name, values in lrs.items():
            values = values if isinstance(values, (list, tuple)) else [values]
            parts.append(f"{name}={','.join(f'{v:.6g}' for v in values)}")
        return ' '.join(parts) or 'unknown'

    def after_train_iter(self,
                         runner,
                         batch_idx: int,
                         data_batch=None,
                         outputs: Optional[dict] = None) -> None:
        if not self.enabled:
            return
        if not isinstance(outputs, dict):
            return
        values = {key: _as_float(value) for key, value in outputs.items()}
        order = [k for k in values if k != 'loss'] + (['loss']
                                                      if 'loss' in values
                                                      else [])
        for key in order:
            value = values[key]
            if value is None or math.isfinite(value):
                continue
            terms = ', '.join(f'{k}={v:.6g}' for k, v in values.items()
                              if v is not None)
            raise NonFiniteLossError(
                f'non-finite training value at iteration {runner.iter + 1} '
                f'(epoch {runner.epoch + 1}, batch {batch_idx + 1}): '
                f'{key}={value} (learning rate: {self._lr(runner)}; all '
                f'terms: {terms}). Training stopped; this state is not saved.'
                ' Lower the learning rate or check the data and the loss '
                'weights.')

    def before_save_checkpoint(self, runner, checkpoint: dict) -> None:
        if not self.enabled:
            return
        key = first_non_finite(checkpoint.get('state_dict', {}))
        if key is not None:
            raise NonFiniteLossError(
                f'refusing to save a checkpoint at iteration {runner.iter} '
                f'(epoch {runner.epoch + 1}): the weight {key!r} is NaN or '
                f'infinite (learning rate: {self._lr(runner)}). Training '
                'stopped; lower the learning rate.')
