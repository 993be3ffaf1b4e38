from .backbone_loading import (load_backbone_strict, load_state_dict_file,
                               split_by_prefix)
from .stcr_pretrained import STCRPretrainedInit

__all__ = [
    'STCRPretrainedInit', 'load_backbone_strict', 'load_state_dict_file',
    'split_by_prefix'
]
