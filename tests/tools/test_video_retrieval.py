"""tools/analysis/video_retrieval.py: strict checkpoint loading, the same
numbers as a stock test run, and the Markdown table."""
import importlib.util
import os.path as osp

import pytest
import torch
import torch.nn as nn
from mmaction.registry import MODELS
from mmengine import Config
from mmengine.registry import DefaultScope
from mmengine.runner import Runner

import mmstcr  # noqa: F401  (registers mmstcr's modules)

REPO_ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
TOOL = osp.join(REPO_ROOT, 'tools', 'analysis', 'video_retrieval.py')
spec = importlib.util.spec_from_file_location('video_retrieval', TOOL)
video_retrieval = importlib.util.module_from_spec(spec)
spec.loader.exec_module(video_retrieval)

BACKBONE = dict(
    type='ResNet3d',
    depth=18,
    base_channels=8,
    pretrained=None,
    pretrained2d=False,
    conv1_kernel=(1, 3, 3),
    inflate=(0, 0, 0, 0))


def retrieval_cfg(data, query_file, gallery_file):
    return Config(
        dict(
            default_scope='mmaction',
            custom_imports=dict(imports=['mmstcr']),
            model=dict(
                type='Recognizer3D',
                backbone=BACKBONE,
                cls_head=dict(type='RetrievalFeatureHead'),
                data_preprocessor=dict(
                    type='ActionDataPreprocessor', format_shape='NCTHW')),
            test_dataloader=dict(
                batch_size=2,
                num_workers=0,
                sampler=dict(type='DefaultSampler', shuffle=False),
                dataset=dict(
                    type='RetrievalVideoDataset',
                    query_ann_file=query_file,
                    gallery_ann_file=gallery_file,
                    data_prefix=dict(video=data.video_dir),
                    pipeline=[
                        dict(type='DecordInit'),
                        dict(
                            type='SampleFrames',
                            clip_len=2,
                            frame_interval=1,
                            num_clips=2,
                            test_mode=True),
                        dict(type='DecordDecode'),
                        dict(type='FormatShape', input_format='NCTHW'),
                        dict(
                            type='PackActionInputs',
                            meta_keys=('retrieval_role', ))
                    ])),
            test_evaluator=[
                dict(type='VideoRetrievalMetric', topk=(1, 3)),
                dict(type='KNNAccuracy', k=(1, ))
            ],
            test_cfg=dict(type='TestLoop'),
            log_level='WARNING'))


@pytest.fixture(scope='module')
def setup(make_video_dataset, tmp_path_factory):
    """A retrieval config file and an STCR-like checkpoint of its
    backbone."""
    root = tmp_path_factory.mktemp('video_retrieval')
    data = make_video_dataset(
        num_videos=6, num_classes=3, num_frames=8, size=64)
    lines = open(data.ann_file).read().splitlines()
    (root / 'query.txt').write_text('\n'.join(lines[:2]) + '\n')
    (root / 'gallery.txt').write_text('\n'.join(lines[2:]) + '\n')
    cfg = retrieval_cfg(data, str(root / 'query.txt'),
                        str(root / 'gallery.txt'))
    cfg.dump(str(root / 'retrieval_tool.py'))
    torch.manual_seed(0)
    model = nn.Module()
    with DefaultScope.overwrite_default_scope('mmaction'):
        model.backbone = MODELS.build(BACKBONE)
    model.backbone.init_weights()
    model.cw_head_clean = nn.Linear(2, 1)
    state = model.state_dict()
    torch.save(dict(meta=dict(epoch=1), state_dict=state), root / 'stcr.pth')
    del state['backbone.layer4.1.conv2.bn.running_var']
    torch.save(dict(state_dict=state), root / 'broken.pth')
    return root, cfg


def test_same_numbers_as_stock_test_run_and_table(setup):
    root, cfg = setup
    out = root / 'tables' / 'retrieval.md'
    metrics = video_retrieval.main([
        str(root / 'retrieval_tool.py'),
        str(root / 'stcr.pth'), '--work-dir',
        str(root / 'work_tool'), '--out',
        str(out)
    ])
    assert set(metrics) == {
        'retrieval/R@1', 'retrieval/R@3', 'knn/top1_k1'
    }
    # The stock route: load_from (non-strict) on the same config.
    stock = cfg.copy()
    stock.work_dir = str(root / 'work_stock')
    stock.load_from = str(root / 'stcr.pth')
    expected = Runner.from_cfg(stock).test()
    assert metrics == expected
    lines = out.read_text().splitlines()
    assert lines[0] == ('| checkpoint | retrieval/R@1 | retrieval/R@3 | '
                        'knn/top1_k1 |')
    assert lines[2] == '| stcr.pth | ' + ' | '.join(
        f'{100 * metrics[k]:.2f}'
        for k in ('retrieval/R@1', 'retrieval/R@3', 'knn/top1_k1')) + ' |'


def test_backbone_holds_the_checkpoint_weights_after_the_test(setup):
    root, _ = setup
    runner = video_retrieval.build_runner(
        video_retrieval.parse_args([
            str(root / 'retrieval_tool.py'),
            str(root / 'stcr.pth'), '--work-dir',
            str(root / 'work_weights')
        ]))
    assert runner.cfg.load_from is None  # loaded by the hook, strictly
    runner.test()
    state = torch.load(root / 'stcr.pth')['state_dict']
    for key, value in runner.model.backbone.state_dict().items():
        assert torch.equal(value, state['backbone.' + key]), key


def test_missing_backbone_weight_is_an_error(setup):
    root, _ = setup
    with pytest.raises(RuntimeError,
                       match='broken.pth.*layer4.1.conv2.bn.running_var'):
        video_retrieval.main([
            str(root / 'retrieval_tool.py'),
            str(root / 'broken.pth'), '--work-dir',
            str(root / 'work_broken')
        ])


def test_model_with_parameters_outside_the_backbone_is_refused(setup):
    root, _ = setup
    with pytest.raises(ValueError, match='cls_head.fc_cls.weight'):
        video_retrieval.main([
            str(root / 'retrieval_tool.py'),
            str(root / 'stcr.pth'), '--work-dir',
            str(root / 'work_head'), '--cfg-options',
            'model.cls_head.type=I3DHead', 'model.cls_head.num_classes=3',
            'model.cls_head.in_channels=64'
        ])
