"""The recognizer split of issue 21 changes no number: every pretraining
config builds the same weights and gives the same losses for 5 iterations
with the new classes as with the single class they replaced."""
import os.path as osp
import sys

import pytest
import torch

sys.path.insert(0, osp.dirname(osp.abspath(__file__)))
import five_iterations as five  # noqa: E402


@pytest.fixture(scope='module')
def setup(tmp_path_factory):
    import mmstcr  # noqa: F401
    from mmaction.utils import register_all_modules
    from mmengine.logging import MMLogger
    register_all_modules(init_default_scope=True)
    # init_weights reports every parameter at INFO level
    MMLogger.get_instance('recognizer_split', log_level='ERROR')
    tool = five.dry_run_tool()
    video_dir = tmp_path_factory.mktemp('video')
    tool.write_tiny_video(str(video_dir / 'tiny.mp4'))
    (video_dir / 'ann.txt').write_text('tiny.mp4 0\n')
    return tool, str(video_dir)


def test_legacy_kwargs_by_hand():
    base = dict(backbone=dict(type='TinyVideoCNN'), cw_head=dict(type='H'))
    assert five.legacy_kwargs(dict(type='STCRRecognizer', **base)) == base
    assert five.legacy_kwargs(
        dict(type='SimSiamSTCRRecognizer', predictor='p',
             **base)) == dict(base, predictor='p', stop_grad_clean=True)
    assert five.legacy_kwargs(
        dict(type='BYOLSTCRRecognizer', **base))['target_momentum'] == 0.01
    pretext = five.legacy_kwargs(
        dict(type='PretextRecognizer', backbone=base['backbone'],
             pretext_head='h'))
    assert pretext == dict(backbone=base['backbone'], pretext_head='h',
                           consistency=False, cw_head=None)


def test_every_pretraining_config_keeps_its_weights_and_losses(setup):
    tool, video_dir = setup
    threads = torch.get_num_threads()
    torch.set_num_threads(1)  # the same reduction order in both models
    try:
        configs = five.pretraining_configs(tool)
        kinds = set()
        differ = []
        batches = {}
        for config in configs:
            cfg = tool.prepare_run_config(
                tool.load_config(osp.join(five.REPO, config)))
            kinds.add(cfg.model.type)
            new, old = five.build_both(cfg.model)
            new_state, old_state = new.state_dict(), old.state_dict()
            assert list(new_state) == list(old_state), config
            for key, value in new_state.items():
                assert torch.equal(value, old_state[key]), (config, key)
            # configs with the same pipeline share their 5 batches
            key = repr(cfg.train_dataloader.dataset)
            if key not in batches:
                batches[key] = five.batches(cfg, video_dir)
            data = batches[key]
            new_logs, old_logs = five.train(new, data), five.train(old, data)
            for step, (a, b) in enumerate(zip(new_logs, old_logs)):
                assert sorted(a) == sorted(b), (config, step)
                bad = {k: (a[k], b[k]) for k in a
                       if a[k] != pytest.approx(b[k], rel=1e-6, abs=1e-7)}
                if bad:
                    differ.append((config, step, bad))
    finally:
        torch.set_num_threads(threads)
    assert not differ, (sorted({config for config, _, _ in differ}),
                        differ[0])
    assert kinds == set(five.PRETRAINERS), kinds
    assert len(configs) >= 57
