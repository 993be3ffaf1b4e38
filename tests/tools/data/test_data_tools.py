"""The thin command-line tools of tools/data: arguments reach the package
functions, the summary names every problem, and the exit status says what
happened (0 done, 1 some videos missing/unreadable/failed, 2 bad input)."""
import importlib.util
import os
import os.path as osp

import numpy as np
import pytest

from mmstcr_tools.preparation import write_video

REPO = osp.dirname(osp.dirname(osp.dirname(osp.dirname(
    osp.abspath(__file__)))))


def load_tool(rel_path):
    spec = importlib.util.spec_from_file_location(
        'tool_' + rel_path.replace('/', '_')[:-3], osp.join(REPO, rel_path))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def tiny_video(path, seed=0, width=32, height=32):
    rng = np.random.default_rng(seed)
    write_video(path, rng.integers(0, 256, (6, height, width, 3), np.uint8))


@pytest.fixture
def ucf(tmp_path):
    """Two classes, two videos each; split 1 tests g01."""
    split_dir = tmp_path / 'ucfTrainTestlist'
    split_dir.mkdir()
    video_root = tmp_path / 'UCF-101'
    for i, cls in enumerate(['Archery', 'HandstandPushups']):
        for g in (1, 2):
            disk = cls.replace('Handstand', 'HandStand')  # as on some copies
            tiny_video(str(video_root / disk / f'v_{disk}_g0{g}_c01.avi'),
                       seed=2 * i + g)
    (split_dir / 'classInd.txt').write_text(
        '1 Archery\r\n2 HandstandPushups\r\n')
    (split_dir / 'trainlist01.txt').write_text(
        'Archery/v_Archery_g02_c01.avi 1\r\n'
        'HandstandPushups/v_HandstandPushups_g02_c01.avi 2\r\n')
    (split_dir / 'testlist01.txt').write_text(
        'Archery/v_Archery_g01_c01.avi\r\n'
        'HandstandPushups/v_HandstandPushups_g01_c01.avi\r\n')
    return str(split_dir), str(video_root)


def test_build_annotations_ucf101(ucf, tmp_path, capsys):
    tool = load_tool('tools/data/ucf101/build_annotations.py')
    split_dir, video_root = ucf
    out = str(tmp_path / 'ann')
    args = ['--split-dir', split_dir, '--video-root', video_root, '--out-dir',
            out, '--splits', '1', '--no-progress']
    assert tool.main(args) == 0
    text = capsys.readouterr().out
    assert 'Names matched ignoring case (2):' in text
    assert ('HandstandPushups/v_HandstandPushups_g01_c01.avi -> '
            'HandStandPushups/v_HandStandPushups_g01_c01.avi') in text
    with open(osp.join(out, 'ucf101_val_split_1_videos.txt')) as f:
        assert f.read() == ('Archery/v_Archery_g01_c01.avi 0\n'
                            'HandStandPushups/v_HandStandPushups_g01_c01.avi'
                            ' 1\n')

    # A corrupt video: named, exit 1, no list; --drop-invalid: exit 0.
    bad = osp.join(video_root, 'Archery', 'v_Archery_g02_c01.avi')
    with open(bad, 'wb') as f:
        f.write(os.urandom(700))
    out2 = str(tmp_path / 'ann2')
    args2 = args[:5] + [out2] + args[6:]
    assert tool.main(args2 + ['--workers', '2']) == 1
    text = capsys.readouterr().out
    assert 'Archery/v_Archery_g02_c01.avi: decord cannot open it' in text
    assert 'No annotation list written' in text
    assert os.listdir(out2) == ['ucf101_invalid_videos.txt']
    with pytest.warns(UserWarning, match='dropped 1'):
        assert tool.main(args2 + ['--drop-invalid']) == 0
    with open(osp.join(out2, 'ucf101_train_split_1_videos.txt')) as f:
        assert f.read() == ('HandStandPushups/v_HandStandPushups_g02_c01.avi'
                            ' 1\n')
    capsys.readouterr()


def test_build_annotations_bad_split_file(ucf, tmp_path, capsys):
    tool = load_tool('tools/data/ucf101/build_annotations.py')
    split_dir, video_root = ucf
    with open(osp.join(split_dir, 'testlist01.txt'), 'a') as f:
        f.write('Bowling/v_Bowling_g01_c01.avi\n')
    assert tool.main(['--split-dir', split_dir, '--video-root', video_root,
                      '--out-dir', str(tmp_path), '--splits', '1']) == 2
    err = capsys.readouterr().err
    assert err.startswith('error: ')
    assert "testlist01.txt:3: unknown class 'Bowling'" in err


def test_build_annotations_hmdb51(tmp_path, capsys):
    tool = load_tool('tools/data/hmdb51/build_annotations.py')
    split_dir = tmp_path / 'splits'
    split_dir.mkdir()
    for i, cls in enumerate(['wave', 'clap']):
        tiny_video(str(tmp_path / 'videos' / cls / f'{cls}_a.avi'), seed=i)
        tiny_video(str(tmp_path / 'videos' / cls / f'{cls}_b.avi'), seed=9)
        (split_dir / f'{cls}_test_split1.txt').write_text(
            f'{cls}_a.avi 1 \n{cls}_b.avi 2 \n{cls}_c.avi 0 \n')
    out = str(tmp_path / 'ann')
    assert tool.main(['--split-dir', str(split_dir), '--video-root',
                      str(tmp_path / 'videos'), '--out-dir', out,
                      '--splits', '1', '--no-progress']) == 0
    with open(osp.join(out, 'hmdb51_train_split_1_videos.txt')) as f:
        assert f.read() == 'clap/clap_a.avi 0\nwave/wave_a.avi 1\n'
    assert tool.main(['--split-dir', str(split_dir), '--video-root',
                      str(tmp_path / 'videos'), '--out-dir', out]) == 2
    assert 'missing clap_test_split2.txt' in capsys.readouterr().err


def test_rescale_videos(tmp_path, capsys):
    tool = load_tool('tools/data/rescale_videos.py')
    src = tmp_path / 'src'
    tiny_video(str(src / 'A' / 'a.avi'), width=64, height=40)
    tiny_video(str(src / 'b.mp4'), width=40, height=64)
    (src / 'A' / 'bad.avi').write_bytes(os.urandom(300))
    dst = str(tmp_path / 'dst')
    args = [str(src), dst, '--short-side', '20', '--no-progress']
    assert tool.main(args) == 1
    out = capsys.readouterr().out
    assert 'rescaled 2, skipped 0 (already done), failed 1' in out
    assert 'FAILED A/bad.avi: ' in out
    os.remove(src / 'A' / 'bad.avi')
    assert tool.main(args + ['--workers', '2']) == 0
    assert 'rescaled 0, skipped 2 (already done), failed 0' in \
        capsys.readouterr().out
    assert tool.main([str(src), dst, '--short-side', '21']) == 2
    assert 'short_side must be an even int' in capsys.readouterr().err
