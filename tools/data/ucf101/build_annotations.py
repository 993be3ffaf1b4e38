"""Build MMAction2 annotation lists for UCF101 from the official split files,
checked against the videos on disk (see tools/data/ucf101/README.md).

    python tools/data/ucf101/build_annotations.py \
        --split-dir data/ucf101/ucfTrainTestlist \
        --video-root data/ucf101/UCF-101 --out-dir data/ucf101 --workers 2

Exit status: 0 lists written; 1 some videos missing or unreadable (listed,
no list written; --drop-invalid writes the lists without them); 2 bad split
files or arguments.
"""
import sys

from mmstcr_tools.preparation import prepare_ucf101
from mmstcr_tools.preparation.cli import build_annotations_main


def main(argv=None) -> int:
    return build_annotations_main(
        prepare_ucf101,
        'ucf101',
        split_dir='data/ucf101/ucfTrainTestlist',
        split_dir_help='folder with classInd.txt, trainlist0N.txt, '
        'testlist0N.txt',
        video_root_help='<Class>/<video>.avi',
        argv=argv)


if __name__ == '__main__':
    sys.exit(main())
