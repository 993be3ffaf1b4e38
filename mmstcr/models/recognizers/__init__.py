from .stcr_recognizer import STCRRecognizer, spatial_max_pool

__all__ = ['STCRRecognizer', 'spatial_max_pool']
