"""The one atomic writer: stdout, symlinks, devices, modes, extensions, failures."""

from __future__ import annotations

import os
import stat

import pytest

from careergraph._io import atomic_write, check_output, umask
from careergraph.errors import OutputError


def _mode(p) -> int:
    return stat.S_IMODE(os.stat(p).st_mode)


def test_dash_is_standard_output(capsys, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert atomic_write("-", lambda fh: fh.write("to stdout\n")) is None
    assert capsys.readouterr().out == "to stdout\n"
    assert not (tmp_path / "-").exists()


def test_symlink_target_is_written_and_link_stays(tmp_path):
    target = tmp_path / "real.csv"
    target.write_text("old")
    target.chmod(0o640)
    link = tmp_path / "link.csv"
    link.symlink_to(target)
    out = atomic_write(link, lambda fh: fh.write("new"))
    assert out == target and link.is_symlink() and target.read_text() == "new"
    assert _mode(target) == 0o640  # an existing file keeps its mode


def test_character_device_is_written_in_place():
    assert str(atomic_write("/dev/null", lambda fh: fh.write("gone"))) == os.path.realpath("/dev/null")
    assert stat.S_ISCHR(os.stat("/dev/null").st_mode)  # not replaced by a regular file


def test_new_files_follow_the_umask(tmp_path):
    old = os.umask(0o027)
    try:
        assert umask() == 0o027
        out = atomic_write(tmp_path / "a.csv", lambda fh: fh.write("x"))
        assert _mode(out) == 0o640
    finally:
        os.umask(old)
    out = atomic_write(tmp_path / "b.csv", lambda fh: fh.write("x"))
    assert _mode(out) == 0o666 & ~old


def test_a_failure_leaves_nothing(tmp_path):
    (tmp_path / "keep.txt").write_text("previous")

    def boom(fh):
        fh.write("half")
        raise RuntimeError("disk on fire")

    with pytest.raises(RuntimeError):
        atomic_write(tmp_path / "keep.txt", boom)
    assert (tmp_path / "keep.txt").read_text() == "previous"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["keep.txt"]


def test_bad_outputs_are_clear_errors(tmp_path):
    with pytest.raises(OutputError, match="does not exist; create it first"):
        atomic_write(tmp_path / "missing" / "x.csv", lambda fh: None)
    with pytest.raises(OutputError, match="it is a folder"):
        atomic_write(tmp_path, lambda fh: None)
    with pytest.raises(OutputError, match=r"Unknown image extension '\.jpg'"):
        check_output(tmp_path / "x.jpg", formats={".png": "png"}, what="image")
    with pytest.raises(OutputError, match=r"ends in \.svg \(svg\) but --format is png"):
        check_output(tmp_path / "x.svg", formats={".png": "png", ".svg": "svg"}, fmt="png")
    assert check_output(tmp_path / "x.png", formats={".png": "png"}) == "png"
    assert check_output("-", formats={".png": "png"}) is None
    assert list(tmp_path.iterdir()) == []


def test_matrix_csv_follows_the_umask_like_every_output(run_cli, tmp_path):
    out = tmp_path / "m.csv"
    res = run_cli("matrix", "Data Scientist", "ML Engineer", "--output", str(out))
    assert res.exit_code == 0, res.stderr
    assert _mode(out) == 0o666 & ~umask()
    res = run_cli("matrix", "Data Scientist", "ML Engineer", "--output", "-")
    assert res.exit_code == 0 and res.stdout.startswith("role,Data Scientist,Machine Learning Engineer")
    bad = run_cli("matrix", "--output", str(tmp_path / "m.png"))
    assert bad.exit_code == 2 and ".csv" in bad.stderr
