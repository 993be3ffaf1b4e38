from .base_pretrainer import BaseVideoPretrainer
from .clip_tuple_stcr import ClipTupleSTCRRecognizer
from .collapse_signal import StageProbe, collapse_signal
from .pretext_recognizer import PretextRecognizer
from .stcr_byol import BYOLSTCRRecognizer
from .stcr_recognizer import STCRRecognizer, spatial_max_pool
from .stcr_simsiam import SimSiamSTCRRecognizer
from .stcr_vicreg import VICRegSTCRRecognizer

__all__ = [
    'BaseVideoPretrainer', 'BYOLSTCRRecognizer', 'ClipTupleSTCRRecognizer',
    'PretextRecognizer', 'SimSiamSTCRRecognizer', 'STCRRecognizer',
    'StageProbe', 'VICRegSTCRRecognizer', 'collapse_signal',
    'spatial_max_pool'
]
