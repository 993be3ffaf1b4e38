"""Initialise a stock recognizer's backbone from an STCR checkpoint."""
from mmaction.registry import HOOKS
from mmengine.hooks import Hook
from mmengine.model import is_model_wrapper
from mmengine.runner import BaseLoop

from mmstcr.models.utils import STCRPretrainedInit
from mmstcr.utils import NonFiniteCheckpointError, first_non_finite_weight


@HOOKS.register_module()
class STCRPretrainedHook(Hook):
    """Load the backbone of the Runner's model from an STCR checkpoint before
    the Runner initialises the model.

    The config route for finetuning a stock MMAction2 ``Recognizer3D`` from
    STCR pretraining. ``Recognizer3D`` (MMAction2 1.1 and 1.2) accepts no
    ``init_cfg``, and ``ResNet3d``/``C3D`` ignore a backbone-level one, so
    ``dict(type='STCRPretrained', ...)`` cannot be given to the model itself.
    This hook runs :class:`mmstcr.models.utils.STCRPretrainedInit` on the
    model in ``before_run``, which ``Runner.train()`` calls before
    ``model.init_weights()``: the backbone is loaded strictly (a missing
    weight or a shape mismatch is an error naming the file and the keys) and
    marked initialised, so ``init_weights()`` then initialises only the rest
    (the new classification head). ``load_from`` and ``resume``, which the
    Runner applies after ``init_weights()``, still override it.

    A checkpoint with NaN or Inf weights (a diverged pretraining) is an
    error that names the file and the first such weight: the loader refuses
    it (``mmstcr.utils.checkpoint``), and the hook checks the loaded
    backbone again, for loaders of other storage backends.

    ``Runner.test()`` and ``Runner.val()`` call ``before_run`` too, but
    initialise no weights: the model they evaluate comes from ``load_from``
    (``tools/test.py CONFIG CHECKPOINT``). The hook then does nothing, so a
    finetuning config can be tested where its STCR checkpoint is absent,
    unless ``load_outside_training=True`` (what
    ``tools/analysis/video_retrieval.py`` uses to evaluate a frozen
    pretrained backbone with strict loading).

    Example::

        custom_hooks = [
            dict(type='STCRPretrainedHook',
                 checkpoint='work_dirs/stcr_r3d-r18_8xb8-16x4x1-50e_ucf101-split1-rgb/epoch_50.pth')
        ]

    Args:
        checkpoint (str): Path of the STCR checkpoint (or of a backbone
            checkpoint written by ``tools/model_converters/
            stcr_to_backbone.py``).
        prefix (str): Key prefix of the backbone in the checkpoint and
            attribute path of the backbone in the model.
            Defaults to ``'backbone.'``.
        map_location (str): Where to load the tensors. Defaults to ``'cpu'``.
        allow_unused_backbone_keys (bool): See
            :class:`~mmstcr.models.utils.STCRPretrainedInit`.
            Defaults to False.
        load_outside_training (bool): Also load in ``Runner.test()`` and
            ``Runner.val()``. Defaults to False.
    """

    priority = 'VERY_HIGH'

    def __init__(self,
                 checkpoint: str,
                 prefix: str = 'backbone.',
                 map_location: str = 'cpu',
                 allow_unused_backbone_keys: bool = False,
                 load_outside_training: bool = False) -> None:
        self.load_outside_training = load_outside_training
        self.initializer = STCRPretrainedInit(
            checkpoint=checkpoint,
            prefix=prefix,
            map_location=map_location,
            allow_unused_backbone_keys=allow_unused_backbone_keys)

    def before_run(self, runner) -> None:
        # Runner.train() builds its train loop before `before_run`;
        # Runner.test() and Runner.val() leave it a config (or None).
        training = isinstance(runner._train_loop, BaseLoop)
        if not (training or self.load_outside_training):
            runner.logger.info(
                'STCRPretrainedHook: not training, the STCR checkpoint is '
                'not loaded (the evaluated weights come from load_from)')
            return
        model = runner.model
        if is_model_wrapper(model):
            model = model.module
        self.initializer(model)
        backbone = model
        for name in self.initializer.prefix.strip('.').split('.'):
            backbone = getattr(backbone, name, backbone) if name else backbone
        key = first_non_finite_weight(backbone.state_dict())
        if key is not None:
            raise NonFiniteCheckpointError(
                f'STCR checkpoint {self.initializer.checkpoint} holds '
                f'non-finite weights (NaN or Inf), first in {key!r}: it comes '
                'from a diverged pretraining and cannot be finetuned from')
