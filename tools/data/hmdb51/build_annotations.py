"""Build MMAction2 annotation lists for HMDB51 from the official split files,
checked against the videos on disk (see tools/data/hmdb51/README.md).

    python tools/data/hmdb51/build_annotations.py \
        --split-dir data/hmdb51/testTrainMulti_7030_splits \
        --video-root data/hmdb51/videos --out-dir data/hmdb51 --workers 2

Exit status: 0 lists written; 1 some videos missing or unreadable (listed,
no list written; --drop-invalid writes the lists without them); 2 bad split
files or arguments.
"""
import sys

from mmstcr_tools.preparation import prepare_hmdb51
from mmstcr_tools.preparation.cli import build_annotations_main


def main(argv=None) -> int:
    return build_annotations_main(
        prepare_hmdb51,
        'hmdb51',
        split_dir='data/hmdb51/testTrainMulti_7030_splits',
        split_dir_help='folder with the <class>_test_split<N>.txt files',
        video_root_help='<class>/<video>.avi',
        argv=argv)


if __name__ == '__main__':
    sys.exit(main())
