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


def _probe(ckpt, data, tmp_path):
    """Run the probe on 4 training clips of ``data``; the table's path."""
    out = str(tmp_path / 'probe.md')
    assert _tool().main([
        TINY, ckpt, '--num-clips', '4', '--out', out, '--cfg-options',
        f'train_dataloader.dataset.ann_file={data.ann_file}',
        f'train_dataloader.dataset.data_prefix.video={data.video_dir}'
    ]) == 0
    return out


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
    out = _probe(ckpt, tiny_video_dataset, tmp_path)
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


def _build_tiny(seed):
    from mmaction.registry import MODELS
    from mmaction.utils import register_all_modules

    import mmstcr  # noqa: F401
    register_all_modules()
    set_random_seed(seed)
    model = MODELS.build(Config.fromfile(TINY).model)
    model.init_weights()
    return model


def _checkpoint(path, seed):
    """A tiny model initialised with ``seed`` saved as a checkpoint (the
    tool's own random initialisation is seed 0)."""
    model = _build_tiny(seed)
    torch.save(dict(state_dict=model.state_dict()), path)
    return model


def _stage_norms(model):
    return [
        f'{float(sum(m.weight.detach().norm()**2 for m in stage.modules() if isinstance(m, torch.nn.Conv3d))**0.5):.2f}'  # noqa: E501
        for stage in (model.backbone.layer1, model.backbone.layer2,
                      model.backbone.layer3, model.backbone.layer4)
    ]


def _rows(table):
    return {line.split('|')[1].strip(): [c.strip() for c in
                                         line.split('|')[2:-1]]
            for line in table.splitlines()
            if line.startswith('| ') and not line.startswith('| measure')
            and not line.startswith('| finetuning from')}


def test_probe_reads_the_checkpoint_it_is_given(tmp_path,
                                                tiny_video_dataset):
    """A checkpoint initialised with seed 7, the tool's random init with
    seed 0: each row's conv weight norms are those of its own weights
    (computed here from the two models), so the rows differ, and so do the
    features and gradients."""
    ckpt = str(tmp_path / 'seed7.pth')
    other = _checkpoint(ckpt, 7)
    out = _probe(ckpt, tiny_video_dataset, tmp_path)
    rows = _rows(open(out).read())
    assert rows['conv weight norm, checkpoint'][:4] == _stage_norms(other)
    assert rows['conv weight norm, random init'][:4] == _stage_norms(
        _build_tiny(0))
    assert _stage_norms(other) != _stage_norms(_build_tiny(0))
    for measure in ('gradient norm', 'static-clip similarity',
                    'left-right flip similarity'):
        assert (rows[f'{measure}, checkpoint'] !=
                rows[f'{measure}, random init']), measure


def test_short_finetunings_cover_the_four_variants(tmp_path,
                                                   tiny_video_dataset):
    """With the random init itself as the checkpoint, finetuning from
    'random init', 'checkpoint' and 'last stage re-initialised' is the same
    computation, so the three rows are identical; 'head dropout 0' runs on
    a head without dropout (the tiny config has none), so it is identical
    too. With a different checkpoint the rows of 'checkpoint' and 'random
    init' differ. Losses are finite cross-entropies, top-1 a multiple of
    100 / (number of validation videos)."""
    data = tiny_video_dataset
    opts = [f'{split}_dataloader.dataset.{key}'
            for split in ('train', 'val')
            for key in (f'ann_file={data.ann_file}',
                        f'data_prefix.video={data.video_dir}')]
    tables = {}
    for seed in (0, 7):
        ckpt = str(tmp_path / f'seed{seed}.pth')
        _checkpoint(ckpt, seed)
        out = str(tmp_path / f'probe{seed}.md')
        assert _tool().main([
            TINY, ckpt, '--num-clips', '4', '--finetune-steps', '2',
            '--num-train-clips', '6', '--out', out, '--cfg-options', *opts
        ]) == 0
        text = open(out).read()
        tables[seed] = {
            line.split('|')[1].strip(): [c.strip()
                                         for c in line.split('|')[2:-1]]
            for line in text.split('| finetuning from')[1].splitlines()[2:]
        }
    same = tables[0]
    assert list(same) == [
        'random init', 'checkpoint', 'checkpoint, head dropout 0',
        'checkpoint, last stage re-initialised'
    ]
    assert len({tuple(row) for row in same.values()}) == 1
    for row in same.values():
        first, last, top1 = (float(v) for v in row)
        assert 0 < first < 10 and 0 < last < 10
        assert any(abs(top1 - 100 * k / data.num_videos) < 0.051
                   for k in range(data.num_videos + 1)), top1
    differ = tables[7]
    assert differ['checkpoint'] != differ['random init']
    assert differ['random init'] == same['random init']
