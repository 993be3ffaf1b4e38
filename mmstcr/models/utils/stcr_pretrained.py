"""Initialise a recognizer's backbone from an STCR checkpoint."""
import logging
from typing import Optional

import torch.nn as nn
from mmaction.registry import WEIGHT_INITIALIZERS
from mmengine.logging import print_log
from mmengine.model.weight_init import update_init_info

from .backbone_loading import (load_backbone_strict, load_state_dict_file,
                               split_by_prefix)


@WEIGHT_INITIALIZERS.register_module(name='STCRPretrained')
class STCRPretrainedInit:
    """Load the backbone of a model from an STCR (or any) checkpoint,
    strictly, and mark it initialised.

    Called on a whole model (a recognizer): it finds the sub-module named by
    ``prefix`` (``'backbone.'`` -> ``model.backbone``), loads the checkpoint
    entries under that prefix into it and sets its ``is_init`` flag. Other
    entries of the checkpoint (STCR's ``cw_head_clean.*`` and
    ``cw_head_noise.*``, a pretext head, an old ``cls_head.*``) are not used,
    so the classification head keeps its own fresh initialisation, as the
    paper does when finetuning ("last FC layer re-initialised").

    Why it marks the backbone: MMEngine's ``BaseModule.init_weights`` runs the
    ``init_cfg`` of a module, except ``type='Pretrained'``, *before* the
    ``init_weights`` of its children, and skips the children whose
    ``is_init`` is True. MMAction2's ``ResNet3d.init_weights`` and
    ``C3D.init_weights`` ignore ``init_cfg`` and re-initialise randomly, so a
    backbone loaded but not marked would be overwritten. Plain ``nn.Module``
    backbones (``C3D``) get an ``is_init`` attribute, which MMEngine reads
    with ``getattr``.

    Accepts a full STCR checkpoint (keys ``backbone.*``) or a plain backbone
    checkpoint (no key starts with ``prefix``: every key is read as a
    backbone key, e.g. the output of ``tools/model_converters/
    stcr_to_backbone.py --strip-prefix``).

    It logs (MMEngine's current logger) how many backbone tensors it loaded
    and the checkpoint keys it did not use. A missing file, a missing
    backbone weight or buffer, a shape mismatch, or (unless
    ``allow_unused_backbone_keys``) a checkpoint backbone key the model does
    not have, is an error that names the file and the keys.

    MMAction2's ``Recognizer3D`` (1.1 and 1.2) takes no ``init_cfg``, so for
    a stock recognizer use :class:`mmstcr.engine.STCRPretrainedHook`, which
    runs this initialiser before the Runner initialises the model. Models
    that take an ``init_cfg`` (any ``BaseModule`` with a ``backbone``) can
    use it directly::

        init_cfg=dict(type='STCRPretrained', checkpoint=PATH,
                      prefix='backbone.')

    The name resolves in MMAction2's weight-initialiser registry, i.e. under
    ``default_scope='mmaction'`` (set by every mmstcr config and by
    ``mmaction.utils.register_all_modules()``).

    Args:
        checkpoint (str): Path of the checkpoint.
        prefix (str): Key prefix of the backbone in the checkpoint, also the
            attribute path of the backbone in the model, ending with a dot.
            Defaults to ``'backbone.'``.
        map_location (str): Where to load the tensors. Defaults to ``'cpu'``.
        allow_unused_backbone_keys (bool): Whether checkpoint keys under
            ``prefix`` that the model's backbone lacks are allowed (logged)
            instead of an error. Defaults to False.
    """

    def __init__(self,
                 checkpoint: str,
                 prefix: str = 'backbone.',
                 map_location: str = 'cpu',
                 allow_unused_backbone_keys: bool = False) -> None:
        if not isinstance(checkpoint, str) or not checkpoint:
            raise ValueError(f'checkpoint must be a path, got {checkpoint!r}')
        if (not isinstance(prefix, str) or not prefix.endswith('.')
                or prefix == '.'):
            raise ValueError("prefix must name a sub-module and end with '.' "
                             f"(e.g. 'backbone.'), got {prefix!r}")
        self.checkpoint = checkpoint
        self.prefix = prefix
        self.map_location = map_location
        self.allow_unused_backbone_keys = allow_unused_backbone_keys
        # MMEngine's `_initialize` sets this on every initialiser.
        self.wholemodule: Optional[bool] = None

    def _get_backbone(self, module: nn.Module) -> nn.Module:
        path = self.prefix[:-1]
        try:
            return module.get_submodule(path)
        except AttributeError as exc:
            raise AttributeError(
                f'STCRPretrained (checkpoint {self.checkpoint}): '
                f'{type(module).__name__} has no sub-module {path!r}; use '
                'it on the model that holds the backbone') from exc

    def __call__(self, module: nn.Module) -> None:
        backbone = self._get_backbone(module)
        state_dict, _ = load_state_dict_file(self.checkpoint,
                                             self.map_location)
        backbone_sd, unused = split_by_prefix(state_dict, self.prefix)
        source, key_prefix = self.checkpoint, self.prefix
        if not backbone_sd:
            source += (f' (read as a plain backbone checkpoint: no key starts'
                       f' with {self.prefix!r})')
            print_log(f'STCRPretrained: {source}', logger='current')
            backbone_sd, unused, key_prefix = state_dict, {}, ''
        extra = load_backbone_strict(backbone, backbone_sd, source,
                                     self.allow_unused_backbone_keys)
        unused_keys = list(unused) + [key_prefix + k for k in extra]
        backbone.is_init = True
        print_log(
            f'STCRPretrained: loaded {len(backbone_sd) - len(extra)} '
            f'{type(backbone).__name__} tensors into {self.prefix[:-1]} '
            f'from {self.checkpoint}; {len(unused_keys)} checkpoint keys '
            f'not used: {unused_keys}',
            logger='current',
            level=logging.INFO)
        if hasattr(backbone, '_params_init_info'):
            update_init_info(backbone, init_info=self._get_init_info())

    def _get_init_info(self) -> str:
        return f'{self.__class__.__name__}: load from {self.checkpoint}'

    def __repr__(self) -> str:
        return (f'{self.__class__.__name__}(checkpoint={self.checkpoint!r}, '
                f'prefix={self.prefix!r}, '
                f'map_location={self.map_location!r}, '
                'allow_unused_backbone_keys='
                f'{self.allow_unused_backbone_keys})')
