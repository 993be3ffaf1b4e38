from .stcr_data_preprocessor import STCRDataPreprocessor

__all__ = ['STCRDataPreprocessor']
