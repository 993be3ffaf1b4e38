from .transforms import *  # noqa: F401,F403
from .retrieval_dataset import RetrievalVideoDataset  # noqa: F401
