"""Validation of a loss's ``loss_weight``."""
import math
import numbers


def check_loss_weight(owner: str, value, config_key: str) -> float:
    """Return ``value`` as a float if it is a finite real number >= 0, else
    raise a ``ValueError`` (``TypeError`` for a non-number) naming ``owner``
    (the loss class), its ``loss_weight`` and the value, and ``config_key``
    (where the STCR configs set it).

    A negative weight turns a loss into a reward that training maximises; a
    NaN or infinite one makes every step non-finite; a string (``--cfg-options
    model.cw_loss.loss_weight=abc``) would only fail inside the first
    iteration.
    """
    where = f'{owner}: loss_weight ({config_key} in the STCR configs)'
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f'{where} must be a number; got loss_weight='
                        f'{value!r} ({type(value).__name__})')
    if not math.isfinite(value) or value < 0:
        raise ValueError(f'{where} must be finite and >= 0; got '
                         f'loss_weight={value!r}')
    return float(value)
