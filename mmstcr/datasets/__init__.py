from .transforms import *  # noqa: F401,F403
from .retrieval_dataset import RetrievalVideoDataset  # noqa: F401
from .checked_video_dataset import (AnnotationListError,  # noqa: F401
                                    BadVideoError, CheckedVideoDataset,
                                    ShortVideoError, find_checked_datasets)
from .seeding import SeededIndex, sample_seed, seeded_rng  # noqa: F401
