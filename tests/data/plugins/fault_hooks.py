"""Test-only hooks that inject faults into a real training process.

Imported by the fault tests through ``custom_imports`` (the tests put
``tests/data/plugins`` on ``PYTHONPATH``)."""
import os
import signal

from mmaction.registry import HOOKS
from mmengine.hooks import Hook


@HOOKS.register_module()
class SelfKillHook(Hook):
    """SIGKILL this process after training iteration ``at_iter`` (1-based),
    once the iteration's checkpoint (if any) is saved: a real, uncatchable
    kill at a known point."""

    priority = 'LOWEST'  # after CheckpointHook (VERY_LOW)

    def __init__(self, at_iter: int) -> None:
        self.at_iter = at_iter

    def after_train_iter(self, runner, batch_idx, data_batch=None,
                         outputs=None) -> None:
        if runner.iter + 1 == self.at_iter:
            os.kill(os.getpid(), signal.SIGKILL)
