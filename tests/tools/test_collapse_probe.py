"""tools/analysis/collapse_probe.py on a tiny checkpoint: the table has a
column per stage, and a checkpoint equal to the random initialisation gives
ratios of exactly 1."""
import importlib.util
import os.path as osp

import torch
from mmengine import Config
from mmengine.runner import set_random_seed

REPO = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
TINY = osp.join(REPO, 'tests', 'data', 'configs', 'tiny_recognizer3d.py')


def _tool():
    spec = importlib.util.spec_from_file_location(
        'collapse_probe', osp.join(REPO, 'tools', 'analysis',
                                   'collapse_probe.py'))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_random_checkpoint_gives_ratio_one(tmp_path, tiny_video_dataset):
    from mmaction.registry import MODELS
    from mmaction.utils import register_all_modules

    import mmstcr  # noqa: F401
    register_all_modules()
    cfg = Config.fromfile(TINY)
    set_random_seed(0)
    model = MODELS.build(cfg.model)
    model.init_weights()
    ckpt = str(tmp_path / 'same.pth')
    torch.save(dict(state_dict=model.state_dict()), ckpt)
    out = str(tmp_path / 'probe.md')
    assert _tool().main([
        TINY, ckpt, '--num-clips', '4', '--out', out, '--cfg-options',
        f'train_dataloader.dataset.ann_file={tiny_video_dataset.ann_file}',
        'train_dataloader.dataset.data_prefix.video='
        f'{tiny_video_dataset.video_dir}'
    ]) == 0
    table = open(out).read()
    assert 'layer1' in table and 'layer4' in table
    ratios = table.strip().splitlines()[-1].split('|')[2:-1]
    assert [r.strip() for r in ratios] == ['1.0x'] * len(ratios)
    rows = {line.split('|')[1].strip(): line.split('|')[2:-1]
            for line in table.splitlines()[2:]}
    for measure in ('conv weight norm', 'static-clip similarity',
                    'left-right flip similarity', 'feat_std_ratio'):
        assert rows[f'{measure}, random init'] == rows[
            f'{measure}, checkpoint'], measure
    # the norms by hand
    norm = sum(m.weight.norm()**2 for m in model.backbone.layer1.modules()
               if isinstance(m, torch.nn.Conv3d))**0.5
    assert rows['conv weight norm, checkpoint'][0].strip() == f'{norm:.2f}'


def test_static_clip_repeats_the_middle_frame():
    clips = torch.arange(2 * 1 * 5 * 2 * 2, dtype=torch.float32).view(
        2, 1, 5, 2, 2)
    static = _tool().static_clip(clips)
    assert static.shape == clips.shape
    for t in range(5):
        torch.testing.assert_close(static[:, :, t], clips[:, :, 2])


def test_short_finetunings_cover_the_four_variants(tmp_path,
                                                   tiny_video_dataset):
    from mmaction.registry import MODELS
    from mmaction.utils import register_all_modules

    import mmstcr  # noqa: F401
    register_all_modules()
    set_random_seed(1)
    model = MODELS.build(Config.fromfile(TINY).model)
    model.init_weights()
    ckpt = str(tmp_path / 'other.pth')
    torch.save(dict(state_dict=model.state_dict()), ckpt)
    out = str(tmp_path / 'probe.md')
    data = tiny_video_dataset
    opts = [f'{split}_dataloader.dataset.{key}'
            for split in ('train', 'val')
            for key in (f'ann_file={data.ann_file}',
                        f'data_prefix.video={data.video_dir}')]
    assert _tool().main([
        TINY, ckpt, '--num-clips', '4', '--finetune-steps', '2',
        '--num-train-clips', '6', '--out', out, '--cfg-options', *opts
    ]) == 0
    table = open(out).read()
    for name in ('| random init |', '| checkpoint |', 'head dropout 0',
                 'last stage re-initialised'):
        assert name in table
