"""Kill a training process inside a checkpoint save, on purpose.

Not imported by ``import mmstcr``: a config asks for it with
``custom_imports=dict(imports=['mmstcr', 'mmstcr.engine.fault_injection'])``
and adds ``custom_hooks=[dict(type='FaultInjectionHook', ...)]``.
``tools/analysis/fault_injection.py`` and the fault tests do so.
"""
import os
import signal

from mmaction.registry import HOOKS
from mmengine.fileio.backends import LocalBackend
from mmengine.hooks import Hook

from .hooks.atomic_checkpoint_hook import AtomicCheckpointHook

#: Where a save can be killed. ``'writing'``: half of the checkpoint's
#: bytes are written (any checkpoint hook); the others are the steps of
#: :meth:`AtomicCheckpointHook._reached`.
STAGES = ('writing', 'written', 'renamed', 'pointed')


def _kill() -> None:
    os.kill(os.getpid(), signal.SIGKILL)


@HOOKS.register_module()
class FaultInjectionHook(Hook):
    """SIGKILL this process during its ``save``-th checkpoint save (1-based,
    counting periodic and best checkpoints), at ``stage``:

    - ``'writing'``: after half of the checkpoint's bytes are written to
      its file (whatever the checkpoint hook; MMEngine's writes in place,
      :class:`AtomicCheckpointHook` to ``<name>.saving``);
    - ``'written'``: the whole ``.saving`` file is written and flushed, not
      renamed (:class:`AtomicCheckpointHook` only, as the next two);
    - ``'renamed'``: the checkpoint is in place, ``last_checkpoint`` still
      names the previous one;
    - ``'pointed'``: ``last_checkpoint`` is replaced, older checkpoints
      are not yet removed.

    A SIGKILL cannot be caught: nothing of the process runs after it, as
    with ``kill -9`` or the kernel's out-of-memory killer.
    """

    priority = 'LOWEST'

    def __init__(self, save: int = 1, stage: str = 'written') -> None:
        if stage not in STAGES:
            raise ValueError(f'stage must be one of {STAGES}, got {stage!r}')
        if int(save) < 1:
            raise ValueError(f'save counts from 1, got {save}')
        self.save = int(save)
        self.stage = stage
        self._count = 0

    def before_run(self, runner) -> None:
        if self.stage == 'writing':
            self._wrap_put()
            return
        hooks = [
            h for h in runner.hooks if isinstance(h, AtomicCheckpointHook)
        ]
        if not hooks:
            raise TypeError(
                f'FaultInjectionHook(stage={self.stage!r}) needs an '
                'AtomicCheckpointHook; this runner has none (use '
                "stage='writing')")
        hook = hooks[0]
        reached = hook._reached

        def reached_or_kill(stage, path):
            if stage == self.stage:
                self._count += 1
                if self._count == self.save:
                    _kill()
            reached(stage, path)

        hook._reached = reached_or_kill

    def _wrap_put(self) -> None:
        put = LocalBackend.put
        hook = self

        def put_or_kill(backend, obj, filepath):
            name = os.path.basename(str(filepath))
            if name.endswith(('.pth', '.pth.saving')) and isinstance(
                    obj, (bytes, bytearray, memoryview)):
                hook._count += 1
                if hook._count == hook.save:
                    with open(filepath, 'wb') as f:
                        f.write(obj[:len(obj) // 2])
                        f.flush()
                    _kill()
            return put(backend, obj, filepath)

        LocalBackend.put = put_or_kill
