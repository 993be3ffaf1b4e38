"""A synthetic video dataset whose classes differ only by motion, written in
UCF101's or HMDB51's official layout (for the quick start and the tests).
See :mod:`.motion` for the classes."""
from .dataset import MotionDatasetConfig, group_sizes, split_test_groups
from .hmdb51_writer import hmdb51_split_id, make_motion_hmdb51
from .motion import (MOTION_CLASSES, MotionClass, layer_to_frame_matrix,
                     motion_parameters)
from .render import render_motion_video
from .ucf101_writer import make_motion_ucf101

__all__ = [
    'MOTION_CLASSES', 'MotionClass', 'MotionDatasetConfig', 'group_sizes',
    'hmdb51_split_id', 'layer_to_frame_matrix', 'make_motion_hmdb51',
    'make_motion_ucf101', 'motion_parameters', 'render_motion_video',
    'split_test_groups'
]
