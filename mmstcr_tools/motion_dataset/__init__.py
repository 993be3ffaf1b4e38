"""A synthetic video dataset whose classes differ only by motion, written in
UCF101's or HMDB51's official layout (for the quick start and the tests).
Two class sets: directions (:mod:`.motion`) and kinds of motion
(:mod:`.kinds`)."""
from .dataset import (BACKGROUND_KEYS, CLASS_SETS, MotionDatasetConfig,
                      group_sizes, split_test_groups)
from .hmdb51_writer import hmdb51_split_id, make_motion_hmdb51
from .kinds import (MOTION_KINDS, KindParameters, MotionKind,
                    draw_kind_parameters, kind_pose)
from .motion import (MOTION_CLASSES, MotionClass, layer_to_frame_matrix,
                     motion_parameters, pose_to_matrix)
from .render import render_kind_video, render_motion_video
from .ucf101_writer import make_motion_ucf101

__all__ = [
    'BACKGROUND_KEYS', 'CLASS_SETS', 'KindParameters', 'MOTION_CLASSES',
    'MOTION_KINDS', 'MotionClass', 'MotionDatasetConfig', 'MotionKind',
    'draw_kind_parameters', 'group_sizes', 'hmdb51_split_id', 'kind_pose',
    'layer_to_frame_matrix', 'make_motion_hmdb51', 'make_motion_ucf101',
    'motion_parameters', 'pose_to_matrix', 'render_kind_video',
    'render_motion_video', 'split_test_groups'
]
