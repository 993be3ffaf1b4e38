from .backbone_loading import (load_backbone_strict, load_state_dict_file,
                               split_by_prefix)
from .batch_norm import SingleSampleSafeBN1d
from .stcr_pretrained import STCRPretrainedInit

__all__ = [
    'STCRPretrainedInit', 'SingleSampleSafeBN1d', 'load_backbone_strict',
    'load_state_dict_file', 'split_by_prefix'
]
