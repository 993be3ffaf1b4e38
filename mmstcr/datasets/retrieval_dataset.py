"""The query and gallery videos of a retrieval / kNN evaluation, as one
data set."""
from collections import Counter
from typing import Callable, List, Union

from mmaction.datasets import VideoDataset
from mmaction.registry import DATASETS
from mmengine.fileio import join_path
from mmengine.utils import is_abs

ROLES = ('query', 'gallery')
# metainfo keys holding the number of videos of each role
COUNT_KEYS = dict(
    query='retrieval_num_queries', gallery='retrieval_num_gallery')


@DATASETS.register_module()
class RetrievalVideoDataset(VideoDataset):
    """The videos of a query list and of a gallery list, each tagged with its
    role.

    Video retrieval and kNN classification (docs/method.md, "Protocols") compare
    the videos of the test split (queries) with those of the train split
    (gallery). This data set lists the queries, then the gallery, so one
    test loop (``tools/test.py``) extracts the features of both; each sample
    carries ``retrieval_role`` (``'query'`` or ``'gallery'``) through the
    pipeline. Add it to the metainfo of the data samples with
    ``dict(type='PackActionInputs', meta_keys=('retrieval_role', ))``.

    Both annotation files have MMAction2's ``VideoDataset`` format
    (``relative/path.avi label`` lines, 0-based labels); every line must have
    a label. Relative annotation paths are joined with ``data_root``, video
    paths with ``data_prefix['video']``.

    The data set's ``metainfo`` gets ``retrieval_num_queries`` and
    ``retrieval_num_gallery``; the metrics check that they evaluated exactly
    that many videos of each role, so a dropped batch is an error.

    Added keys (of each sample's info dict): ``retrieval_role``.

    Args:
        query_ann_file (str): Annotation file of the queries (test split).
        gallery_ann_file (str): Annotation file of the gallery (train split).
        pipeline (list[dict | callable]): The test pipeline.
        **kwargs: Other arguments of ``VideoDataset`` (``data_prefix``,
            ``data_root``, ``delimiter``, ``start_index``, ...). ``ann_file``
            and ``multi_class=True`` are not accepted; ``test_mode`` is
            always True.
    """

    def __init__(self, query_ann_file: str, gallery_ann_file: str,
                 pipeline: List[Union[dict, Callable]], **kwargs) -> None:
        for name, value in (('query_ann_file', query_ann_file),
                            ('gallery_ann_file', gallery_ann_file)):
            if not isinstance(value, str) or not value:
                raise ValueError(f'{name} must be a path, got {value!r}')
        if 'ann_file' in kwargs:
            raise ValueError(
                'RetrievalVideoDataset takes query_ann_file and '
                f"gallery_ann_file, not ann_file={kwargs['ann_file']!r}")
        if kwargs.get('multi_class', False):
            raise ValueError('RetrievalVideoDataset needs one label per '
                             'video; multi_class=True is not supported')
        kwargs['test_mode'] = True
        self.ann_files = dict(query=query_ann_file, gallery=gallery_ann_file)
        super().__init__(ann_file=query_ann_file, pipeline=pipeline, **kwargs)

    def _join_prefix(self) -> None:
        """Also join ``data_root`` with both annotation files."""
        super()._join_prefix()
        for role, path in self.ann_files.items():
            if not is_abs(path) and self.data_root:
                self.ann_files[role] = join_path(self.data_root, path)

    def load_data_list(self) -> List[dict]:
        """Read the query list, then the gallery list."""
        data_list = []
        for role in ROLES:
            # VideoDataset parses ``self.ann_file``: point it at each list.
            self.ann_file = self.ann_files[role]
            infos = super().load_data_list()
            if not infos:
                raise ValueError(f'the {role} list {self.ann_file} is empty')
            for line_no, info in enumerate(infos, 1):
                if info['label'] < 0:
                    raise ValueError(
                        f'{self.ann_file} line {line_no} '
                        f"({info['filename']}) has no label; retrieval and "
                        'kNN need the class of every video')
                info['retrieval_role'] = role
            data_list.extend(infos)
        self.ann_file = self.ann_files['query']
        return data_list

    def full_init(self) -> None:
        """Load the lists and record how many videos each role has."""
        if self._fully_initialized:
            return
        super().full_init()
        counts = Counter(
            self.get_data_info(i)['retrieval_role'] for i in range(len(self)))
        for role in ROLES:
            self._metainfo[COUNT_KEYS[role]] = counts[role]
