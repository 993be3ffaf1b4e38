"""Dataset preparation: UCF101/HMDB51 annotation lists from the official
split files, checked against the videos on disk, and video rescaling.

Nothing here is registered; the command-line tools under ``tools/data/`` are
thin wrappers around these functions.
"""
from .annotation import (AnnotationError, SplitLists, VideoEntry,
                         list_file_name, write_annotation_list)
from .hmdb51 import load_hmdb51_splits, parse_hmdb51_split_file
from .prepare import (PreparationReport, format_report, prepare_annotations,
                      prepare_hmdb51, prepare_ucf101)
from .progress import map_with_progress
from .rescale import (RescaleReport, VideoRescaleError, find_videos,
                      rescale_tree, rescale_video, target_size)
from .resolve import CaseInsensitiveResolver
from .ucf101 import load_ucf101_splits, parse_class_ind, parse_ucf101_list
from .validate import check_video, check_videos
from .video_io import write_video

__all__ = [
    'AnnotationError', 'CaseInsensitiveResolver', 'PreparationReport',
    'RescaleReport', 'SplitLists', 'VideoEntry', 'VideoRescaleError',
    'check_video', 'check_videos', 'find_videos', 'format_report',
    'list_file_name', 'load_hmdb51_splits', 'load_ucf101_splits',
    'map_with_progress', 'parse_class_ind', 'parse_hmdb51_split_file',
    'parse_ucf101_list', 'prepare_annotations', 'prepare_hmdb51',
    'prepare_ucf101', 'rescale_tree', 'rescale_video', 'target_size',
    'write_annotation_list', 'write_video'
]
