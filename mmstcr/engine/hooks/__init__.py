from .freeze_backbone_hook import FreezeBackboneHook
from .stcr_pretrained_hook import STCRPretrainedHook

__all__ = ['FreezeBackboneHook', 'STCRPretrainedHook']
