"""Keep a model's backbone frozen for a whole run (linear probe)."""
from mmaction.registry import HOOKS
from mmengine.hooks import Hook
from mmengine.logging import print_log
from mmengine.model import is_model_wrapper
from torch.nn.parallel import DistributedDataParallel


@HOOKS.register_module()
class FreezeBackboneHook(Hook):
    """Freeze the backbone: no gradient, and eval mode during training.

    For the linear probe: a frozen backbone and one linear layer trained on
    its pooled features. In ``before_run`` every parameter of the backbone
    gets ``requires_grad=False`` (no gradient is computed for it, and the
    optimizer never changes it: SGD/Adam skip parameters whose ``grad`` is
    None, weight decay and momentum included). Before every training
    iteration the whole backbone is put in eval mode, because the train
    loops call ``model.train()`` at the start of each epoch and after each
    validation: batch-norm layers then normalise with their running
    statistics and never update them, and dropout inside the backbone is
    off.

    Unlike ``ResNet3d(frozen_stages=..., norm_eval=True)``, it works for any
    backbone (MMAction2's ``C3D`` has neither option) and it does not depend
    on a stage count.

    Distributed training: the Runner wraps the model in
    ``DistributedDataParallel`` before any hook runs, so DDP has already
    registered the backbone's parameters and would wait for their gradients;
    set ``find_unused_parameters = True`` (top level of the config, read by
    the Runner and by mmstcr's CPU launcher) in a multi-process linear
    probe. DDP then leaves the frozen parameters' gradients None. Without
    it the hook raises an error in ``before_run`` (DDP would otherwise fail
    at the second iteration with "Expected to have finished reduction").

    Example::

        custom_hooks = [dict(type='FreezeBackboneHook')]

    Args:
        module_name (str): Attribute path of the module to freeze in the
            model. Defaults to ``'backbone'``.
    """

    priority = 'VERY_HIGH'

    def __init__(self, module_name: str = 'backbone') -> None:
        if not isinstance(module_name, str) or not module_name:
            raise ValueError(
                f'module_name must be a non-empty string, got {module_name!r}')
        self.module_name = module_name

    def _get_module(self, runner):
        model = runner.model
        if is_model_wrapper(model):
            model = model.module
        try:
            return model.get_submodule(self.module_name)
        except AttributeError as exc:
            raise AttributeError(
                f'FreezeBackboneHook: {type(model).__name__} has no '
                f'sub-module {self.module_name!r}') from exc

    def before_run(self, runner) -> None:
        if isinstance(runner.model, DistributedDataParallel) and \
                not runner.model.find_unused_parameters:
            raise RuntimeError(
                'FreezeBackboneHook in a distributed run needs '
                '`find_unused_parameters = True` in the config: DDP was built '
                f'before the hook froze {self.module_name!r} and would wait '
                'for its gradients')
        module = self._get_module(runner)
        params = list(module.parameters())
        for param in params:
            param.requires_grad_(False)
        module.eval()
        print_log(
            f'FreezeBackboneHook: froze {len(params)} parameter tensors '
            f'({sum(p.numel() for p in params)} values) of '
            f'{self.module_name}, kept in eval mode during training',
            logger='current')

    def before_train_iter(self, runner, batch_idx: int,
                          data_batch=None) -> None:
        self._get_module(runner).eval()
