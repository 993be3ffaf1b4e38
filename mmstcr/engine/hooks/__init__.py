from .atomic_checkpoint_hook import (AtomicCheckpointHook,
                                     find_resume_checkpoint)
from .dataset_guard_hook import DatasetGuardHook
from .finite_loss_hook import FiniteLossHook, NonFiniteLossError
from .freeze_backbone_hook import FreezeBackboneHook
from .resumable_training_hook import ResumableTrainingHook, SeededSampler
from .stcr_pretrained_hook import STCRPretrainedHook

__all__ = [
    'AtomicCheckpointHook', 'DatasetGuardHook', 'FiniteLossHook',
    'FreezeBackboneHook', 'NonFiniteLossError', 'ResumableTrainingHook', 'STCRPretrainedHook',
    'SeededSampler', 'find_resume_checkpoint'
]
