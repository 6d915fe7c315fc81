"""A figure read ahead in a thread of its own (figure.read_ahead) is the figure read_figure
gives: the same pixels, the same errors, the file as it is now."""
import os

import numpy as np
import pytest
from figures_for_tests import jacksboro_dem, render_grid
from PIL import Image

from colormap_decoder.plugin.engine import figure as figure_module
from colormap_decoder.plugin.engine import memory_budget
from colormap_decoder.plugin.engine.errors import FigureError
from colormap_decoder.plugin.engine.figure import read_ahead, read_figure, read_figure_header


@pytest.fixture()
def dem_figure(tmp_path):
    """matplotlib's Jacksboro DEM drawn as an RGBA PNG (contours, colorbar, labels)."""
    grid, extent = jacksboro_dem()
    path = str(tmp_path / "jacksboro.png")
    render_grid(grid, extent, path)
    return path


@pytest.fixture(autouse=True)
def nothing_left_pending():
    yield
    assert not figure_module._READ_AHEAD


def _same_figure(a, b):
    assert np.array_equal(a.rgb, b.rgb) and a.rgb.dtype == b.rgb.dtype
    assert np.array_equal(np.broadcast_to(a.opaque, a.shape), np.broadcast_to(b.opaque, b.shape))
    assert (a.path, a.geotransform, a.crs_wkt, a.warnings, a.image_format) == \
        (b.path, b.geotransform, b.crs_wkt, b.warnings, b.image_format)


def test_the_figure_read_ahead_is_the_one_read_figure_gives(dem_figure, tmp_path):
    ahead = read_ahead(dem_figure)
    assert ahead is not None
    # The job's memory check reads the header meanwhile, without waiting for the pixels.
    header = read_figure_header(dem_figure)
    figure = read_figure(dem_figure)
    assert figure is ahead.figure and not figure_module._READ_AHEAD
    _same_figure(figure, figure_module._read_figure(dem_figure, figure_module.max_pixels_limit()))
    assert header.shape == figure.shape == (600, 900) and header.has_alpha
    ahead.discard()  # taken already: nothing to do
    # A JPEG too, with its coding (how its cells are read back).
    jpeg = str(tmp_path / "jacksboro.jpg")
    Image.open(dem_figure).convert("RGB").save(jpeg, quality=80)
    ahead = read_ahead(jpeg)
    figure = read_figure(jpeg)
    assert figure is ahead.figure and figure.jpeg_coding is not None
    _same_figure(figure, figure_module._read_figure(jpeg, figure_module.max_pixels_limit()))


def test_a_damaged_figure_read_ahead_raises_what_read_figure_raises(dem_figure, tmp_path):
    content = open(dem_figure, "rb").read()
    cut = tmp_path / "cut.png"
    cut.write_bytes(content[:len(content) // 2])
    with pytest.raises(FigureError) as plain:
        read_figure(str(cut))
    ahead = read_ahead(str(cut))
    assert ahead is not None  # its header is whole
    with pytest.raises(FigureError) as raised:
        read_figure(str(cut))
    assert str(raised.value) == str(plain.value) and "damaged or incomplete" in str(plain.value)


def test_a_figure_changed_after_its_read_ahead_is_read_again(dem_figure):
    ahead = read_ahead(dem_figure)
    assert ahead is not None
    ahead.result()
    before = read_figure(dem_figure, figure_module.max_pixels_limit() - 1)  # another limit
    pixels = np.asarray(Image.open(dem_figure)).copy()
    pixels[:50, :50, :3] = (255, 0, 0)
    Image.fromarray(pixels).save(dem_figure)
    stat = os.stat(dem_figure)
    os.utime(dem_figure, ns=(stat.st_atime_ns, stat.st_mtime_ns + 10 ** 9))
    figure = read_figure(dem_figure)
    assert figure is not ahead.figure
    assert (figure.rgb[:50, :50] == (255, 0, 0)).all() and not (before.rgb[:50, :50] == (255, 0, 0)).all()
    assert figure_module._READ_AHEAD == [ahead]  # the stale one until the job lets it go
    ahead.discard()


def test_a_discarded_read_ahead_is_not_taken(dem_figure):
    ahead = read_ahead(dem_figure)
    ahead.discard()
    figure = read_figure(dem_figure)
    assert figure is not ahead.figure
    _same_figure(figure, ahead.result())


def test_no_read_ahead_when_its_memory_could_decide_the_memory_check(dem_figure, monkeypatch):
    """Read before the job's memory check, the figure must not be what tips it."""
    monkeypatch.delenv(memory_budget.MAX_MEMORY_VARIABLE, raising=False)
    total = memory_budget._meminfo("MemTotal:")
    fixed = max(memory_budget.DEFAULT_JOB_MEMORY_FLOOR, total // 4)
    pixels_bytes = figure_module.READ_AHEAD_PIXEL_BYTES * 600 * 900
    real = memory_budget._meminfo
    for available, expected in ((fixed + pixels_bytes - 1, False), (fixed + pixels_bytes, True)):
        monkeypatch.setattr(memory_budget, "_meminfo", lambda key, value=available: value
                            if key == "MemAvailable:" else real(key))
        monkeypatch.setattr(memory_budget, "_cgroup_room", lambda: None)
        monkeypatch.setattr(memory_budget, "_rlimit_room", lambda: None)
        ahead = read_ahead(dem_figure)
        assert (ahead is not None) == expected
        if ahead is not None:
            ahead.discard()
            ahead.result()
    # A fixed limit set by the user is not moved by anything the process holds.
    monkeypatch.setenv(memory_budget.MAX_MEMORY_VARIABLE, "1G")
    monkeypatch.setattr(memory_budget, "_meminfo", lambda key: real(key) if key != "MemAvailable:" else 1)
    ahead = read_ahead(dem_figure)
    assert ahead is not None
    ahead.discard()


def test_nothing_unusual_is_read_ahead(tmp_path, dem_figure):
    (tmp_path / "text.png").write_bytes(b"not an image at all")
    (tmp_path / "empty.png").write_bytes(b"")
    for path in (str(tmp_path / "text.png"), str(tmp_path / "empty.png"), str(tmp_path),
                 str(tmp_path / "missing.png")):
        assert read_ahead(path) is None
    # A figure over the pixel limit is left to read_figure, which refuses it.
    os.environ[figure_module.MAX_PIXELS_VARIABLE] = str(600 * 900 - 1)
    try:
        assert read_ahead(dem_figure) is None
        with pytest.raises(FigureError, match="limit"):
            read_figure(dem_figure)
    finally:
        del os.environ[figure_module.MAX_PIXELS_VARIABLE]


def test_an_animated_figure_read_ahead_keeps_its_warning(dem_figure, tmp_path):
    first = Image.open(dem_figure).convert("RGB")
    second = first.transpose(Image.Transpose.FLIP_LEFT_RIGHT)
    first.save(tmp_path / "two.gif", save_all=True, append_images=[second])
    plain = read_figure(str(tmp_path / "two.gif"))
    ahead = read_ahead(str(tmp_path / "two.gif"))
    figure = read_figure(str(tmp_path / "two.gif"))
    assert figure is ahead.figure and "2 frames" in figure.warnings[0]
    _same_figure(figure, plain)
