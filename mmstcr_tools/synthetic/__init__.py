"""Synthetic motion videos: six kinds of motion of one textured object,
written in UCF101's layout."""
from .motions import MOTION_KINDS, MotionParams, draw_params, trajectory
from .render import GroupStyle, draw_group_style, render_video
from .writer import GeneratorConfig, generate_dataset

__all__ = [
    'MOTION_KINDS', 'MotionParams', 'draw_params', 'trajectory',
    'GroupStyle', 'draw_group_style', 'render_video', 'GeneratorConfig',
    'generate_dataset'
]
