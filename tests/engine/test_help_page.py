"""Where the offline help page is written when the plugin folder is a checkout (or read-only)."""
import os
import subprocess
import sys
from pathlib import Path

from colormap_decoder.plugin.help_page import help_page_path

TESTS = Path(__file__).resolve().parent.parent


def test_one_copy_in_the_user_cache_is_shared_by_every_process(tmp_path, monkeypatch):
    """Each QGIS process (every ``qgis_process`` run) asked for the page and wrote it into a
    folder of its own in /tmp, never removed; the copy is now one file in the user's cache."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    expected = tmp_path / "cache" / "colormap_decoder" / "decodemap.html"
    path = help_page_path({"INPUT": "Figure"})
    assert Path(path) == expected
    assert "<td>Figure (<code>INPUT</code>)</td>" in expected.read_text(encoding="utf-8")
    written = expected.stat().st_mtime_ns
    script = (f"import sys\nsys.path.insert(0, {str(TESTS)!r})\n"
              "from sample_figure import expose_package\nexpose_package()\n"
              "from colormap_decoder.plugin.help_page import help_page_path\n"
              "print(help_page_path({'INPUT': 'Figure'}))\n")
    child = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                           check=True, env={**os.environ, "XDG_CACHE_HOME": str(tmp_path / "cache")})
    assert Path(child.stdout.strip()) == expected
    # The same text: left as it was, not written again.
    assert expected.stat().st_mtime_ns == written
    assert sorted(p.name for p in expected.parent.iterdir()) == ["decodemap.html"]


def test_a_cache_that_cannot_be_written_falls_back_to_the_temporary_folder(tmp_path, monkeypatch):
    blocked = tmp_path / "cache"
    blocked.write_text("a file where the cache folder would be")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocked))
    monkeypatch.setattr("tempfile.tempdir", str(tmp_path / "tmp"))
    (tmp_path / "tmp").mkdir()
    path = Path(help_page_path({"INPUT": "Figure"}))
    assert path == tmp_path / "tmp" / f"colormap_decoder_help_{os.getpid()}" / "decodemap.html"
    assert path.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    assert blocked.read_text() == "a file where the cache folder would be"
