"""RetrievalVideoDataset: queries then gallery, each tagged, counted in the
metainfo, the role carried to the data sample."""
import os.path as osp

import pytest
from mmaction.datasets.transforms import PackActionInputs
from mmaction.registry import DATASETS

import mmstcr  # noqa: F401  (registers mmstcr's modules)
from mmstcr.datasets import RetrievalVideoDataset


def write_lists(root, query_lines, gallery_lines):
    for name, lines in (('test.txt', query_lines), ('train.txt',
                                                    gallery_lines)):
        with open(osp.join(root, name), 'w') as f:
            f.write(''.join(line + '\n' for line in lines))


def test_lists_queries_then_gallery_with_roles(tmp_path):
    write_lists(tmp_path, ['a/q0.avi 1', 'b/q1.avi 0'],
                ['a/g0.avi 1', 'b/g1.avi 0', 'c/g2.avi 2'])
    dataset = DATASETS.build(
        dict(
            type='RetrievalVideoDataset',
            query_ann_file='test.txt',
            gallery_ann_file='train.txt',
            data_root=str(tmp_path),
            data_prefix=dict(video='/videos'),
            pipeline=[]))
    infos = [dataset.get_data_info(i) for i in range(len(dataset))]
    assert [(i['filename'], i['label'], i['retrieval_role'])
            for i in infos] == [
                ('/videos/a/q0.avi', 1, 'query'),
                ('/videos/b/q1.avi', 0, 'query'),
                ('/videos/a/g0.avi', 1, 'gallery'),
                ('/videos/b/g1.avi', 0, 'gallery'),
                ('/videos/c/g2.avi', 2, 'gallery'),
            ]
    assert dataset.metainfo['retrieval_num_queries'] == 2
    assert dataset.metainfo['retrieval_num_gallery'] == 3
    assert dataset.test_mode
    assert dataset.ann_file == osp.join(str(tmp_path), 'test.txt')


def test_indices_subset_is_counted(tmp_path):
    write_lists(tmp_path, ['q0.avi 0', 'q1.avi 1'], ['g0.avi 0', 'g1.avi 1'])
    dataset = RetrievalVideoDataset(
        query_ann_file=str(tmp_path / 'test.txt'),
        gallery_ann_file=str(tmp_path / 'train.txt'),
        pipeline=[],
        indices=[0, 2, 3])
    assert dataset.metainfo['retrieval_num_queries'] == 1
    assert dataset.metainfo['retrieval_num_gallery'] == 2


def test_role_reaches_the_data_sample(tmp_path):
    write_lists(tmp_path, ['q0.avi 0'], ['g0.avi 1'])
    dataset = RetrievalVideoDataset(
        query_ann_file=str(tmp_path / 'test.txt'),
        gallery_ann_file=str(tmp_path / 'train.txt'),
        pipeline=[
            lambda results: dict(results, imgs=[[0.0]]),
            PackActionInputs(meta_keys=('retrieval_role', ))
        ])
    roles = [dataset[i]['data_samples'].metainfo['retrieval_role']
             for i in range(2)]
    assert roles == ['query', 'gallery']


def test_errors(tmp_path):
    write_lists(tmp_path, ['q0.avi 0', 'q1.avi'], ['g0.avi 1'])
    with pytest.raises(ValueError, match=r'test.txt line 2 \(q1.avi\) has no '
                       'label'):
        RetrievalVideoDataset(
            query_ann_file=str(tmp_path / 'test.txt'),
            gallery_ann_file=str(tmp_path / 'train.txt'),
            pipeline=[])
    write_lists(tmp_path, ['q0.avi 0'], [])
    with pytest.raises(ValueError, match='gallery list .*train.txt is empty'):
        RetrievalVideoDataset(
            query_ann_file=str(tmp_path / 'test.txt'),
            gallery_ann_file=str(tmp_path / 'train.txt'),
            pipeline=[])
    with pytest.raises(FileNotFoundError, match='missing.txt'):
        RetrievalVideoDataset(
            query_ann_file=str(tmp_path / 'test.txt'),
            gallery_ann_file=str(tmp_path / 'missing.txt'),
            pipeline=[])
    with pytest.raises(ValueError, match="ann_file='x.txt'"):
        RetrievalVideoDataset('a', 'b', pipeline=[], ann_file='x.txt')
    with pytest.raises(ValueError, match='multi_class'):
        RetrievalVideoDataset('a', 'b', pipeline=[], multi_class=True)
    with pytest.raises(ValueError, match='gallery_ann_file'):
        RetrievalVideoDataset('a', None, pipeline=[])
