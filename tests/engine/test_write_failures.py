"""A write that fails part-way (a full disk, a quota, a file size limit) is an error, not a
truncated file moved into place.

GDAL reports a failed write on its error stream only; rasterio raises nothing. The disk is
filled here with a file size limit (``RLIMIT_FSIZE``, with ``SIGXFSZ`` ignored, so a write
beyond it fails with EFBIG as a write onto a full disk fails with ENOSPC): no privileges needed.
"""
import os

import numpy as np
import pytest
from hostile_conditions import file_size_limit, unwritable_folder

from colormap_decoder.plugin.engine.errors import EngineError
from colormap_decoder.plugin.engine.writing import (
    OutputTransaction,
    atomic_destination,
    atomic_folder_destination,
    check_geotiff_complete,
    remove_stale_temporaries,
    write_geotiff,
    write_text,
)

GEOTRANSFORM = (600000.0, 100.0, 0.0, 5200000.0, 0.0, -100.0)


def noisy_values(rows=700, cols=700, seed=3):
    """Values DEFLATE cannot shrink much: about 4 bytes a pixel on disk."""
    return np.random.default_rng(seed).uniform(0, 4000, (rows, cols)).astype(np.float32)


@pytest.mark.parametrize("atomic", [True, False])
def test_a_geotiff_cut_short_is_refused_and_the_previous_file_kept(tmp_path, atomic):
    destination = tmp_path / "decoded.tif"
    destination.write_bytes(b"previous result")
    target = str(destination) if atomic else str(tmp_path / ".partial-by-the-caller.tif")
    with file_size_limit(300_000), pytest.raises(EngineError) as raised:
        write_geotiff(target, [noisy_values()], GEOTRANSFORM, "EPSG:32632",
                      parameter="OUTPUT_DISTANCE", atomic=atomic)
    message = str(raised.value)
    assert raised.value.parameter == "OUTPUT_DISTANCE"
    assert "could not be written completely" in message and "disk is probably full" in message
    assert "Free some space" in message
    assert destination.read_bytes() == b"previous result"
    if atomic:
        # The message names the user's file, not its temporary stand-in.
        assert str(destination) in message and ".partial-" not in message
        assert sorted(p.name for p in tmp_path.iterdir()) == ["decoded.tif"]


def test_a_complete_geotiff_passes_the_check(tmp_path):
    path = tmp_path / "decoded.tif"
    values = noisy_values(300, 520)
    values[:10] = np.nan
    write_geotiff(str(path), [values, np.arange(300 * 520).reshape(300, 520) % 7], GEOTRANSFORM,
                  "EPSG:32632")
    check_geotiff_complete(str(path))
    # A file cut at any point is caught: its tiles lie beyond its end.
    data = path.read_bytes()
    for cut in (len(data) // 3, len(data) - 100):
        broken = tmp_path / f"cut_{cut}.tif"
        broken.write_bytes(data[:cut])
        with pytest.raises(EngineError, match="could not be written completely"):
            check_geotiff_complete(str(broken), parameter="OUTPUT")


def test_files_of_a_staging_folder_move_together_or_not_at_all(tmp_path):
    (tmp_path / "points.shp").write_text("previous")
    with atomic_folder_destination(str(tmp_path / "points.shp"), "OUTPUT_POINTS") as staged:
        assert os.path.dirname(staged) != str(tmp_path)
        for suffix in (".shp", ".dbf", ".shx"):
            with open(os.path.splitext(staged)[0] + suffix, "w") as handle:
                handle.write("new " + suffix)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["points.dbf", "points.shp", "points.shx"]
    assert (tmp_path / "points.shp").read_text() == "new .shp"

    with pytest.raises(EngineError) as raised:
        with atomic_folder_destination(str(tmp_path / "report.html"), "OUTPUT_REPORT") as staged:
            write_text(staged, "first half")
            write_text(staged[:-5] + ".json", "{}")
            raise EngineError(f"Cannot write the report {staged}: No space left on device.",
                              parameter="OUTPUT_REPORT")
    # Nothing of the failed output arrives; its message names the user's file.
    assert sorted(p.name for p in tmp_path.iterdir()) == ["points.dbf", "points.shp", "points.shx"]
    assert str(raised.value) == (f"Cannot write the report {tmp_path / 'report.html'}: No space "
                                 "left on device.")
    assert raised.value.parameter == "OUTPUT_REPORT"


def test_a_report_cut_short_keeps_the_previous_one(tmp_path):
    report = tmp_path / "report.html"
    report.write_text("previous report")
    with file_size_limit(1000), pytest.raises(EngineError) as raised:
        write_text(str(report), "<p>" + "x" * 5000 + "</p>")
    assert raised.value.parameter == "OUTPUT_REPORT" and str(report) in str(raised.value)
    assert report.read_text() == "previous report"
    assert [p.name for p in tmp_path.iterdir()] == ["report.html"]


KILLED_WRITER = r"""
import sys, time
sys.path.insert(0, {tests!r})
from sample_figure import expose_package
expose_package()
import numpy as np
from colormap_decoder.plugin.engine.writing import atomic_destination, atomic_folder_destination, write_geotiff
folder = {folder!r}
with atomic_folder_destination(folder + "/points.gpkg", "OUTPUT_POINTS") as staged:
    open(staged, "wb").write(b"half a layer")
    with atomic_destination(folder + "/decoded.tif") as temporary:
        write_geotiff(temporary, [np.ones((300, 300), np.float32)],
                      (0.0, 1.0, 0.0, 0.0, 0.0, -1.0), "EPSG:32632", atomic=False)
        print("written", flush=True)
        time.sleep(600)
"""


def _start_writer(folder):
    import subprocess
    import sys
    from pathlib import Path

    tests = str(Path(__file__).resolve().parents[1])
    child = subprocess.Popen([sys.executable, "-c", KILLED_WRITER.format(tests=tests,
                                                                         folder=str(folder))],
                             stdout=subprocess.PIPE, text=True)
    assert child.stdout.readline().strip() == "written"
    return child


def _partials(folder):
    return sorted(p.name for p in folder.iterdir() if p.name.startswith(".partial-"))


def test_temporaries_of_a_killed_run_are_removed_by_the_next_run_and_no_others(tmp_path):
    """A run killed by SIGKILL cannot clean up: its temporary GeoTIFF (with what GDAL wrote
    beside it) and its staging folder stay. The next run writing in that folder removes them,
    and leaves a live run's temporaries and a user's own files of similar names alone."""
    import signal

    killed, live = _start_writer(tmp_path), None
    try:
        killed.send_signal(signal.SIGKILL)
        killed.wait(timeout=60)
        left = _partials(tmp_path)
        # The temporary raster and the staging folder of the point layer.
        assert len(left) >= 2 and any(name.endswith(".tif") for name in left)
        live = _start_writer(tmp_path)
        live_partials = set(_partials(tmp_path)) - set(left)
        assert len(live_partials) >= 2
        users = [".partial-notes.txt", ".partial-0123abcd-1-2-notmine.tif", "keep.tif"]
        for name in users:
            (tmp_path / name).write_text("the user's")
        write_text(str(tmp_path / "report.html"), "<p>the next run</p>")
        assert set(_partials(tmp_path)) == live_partials | {n for n in users
                                                           if n.startswith(".partial-")}
        for name in users:
            assert (tmp_path / name).read_text() == "the user's"
        assert (tmp_path / "report.html").read_text() == "<p>the next run</p>"
    finally:
        for child in (killed, live):
            if child is not None and child.poll() is None:
                child.kill()
                child.wait(timeout=60)
    # Once the live run is gone too, its temporaries go with the next write.
    with atomic_folder_destination(str(tmp_path / "points.gpkg")) as staged:
        open(staged, "wb").write(b"a layer")
    assert _partials(tmp_path) == [".partial-0123abcd-1-2-notmine.tif", ".partial-notes.txt"]
    assert (tmp_path / "points.gpkg").read_bytes() == b"a layer"


def test_a_temporary_name_with_an_impossible_process_id_is_left_alone(tmp_path):
    """A name shaped like this machine's temporaries but with a process id no system gives
    (os.kill cannot even be asked about it) is not ours: left alone, and the write goes on."""
    from colormap_decoder.plugin.engine import writing

    name = f".partial-{writing._host_mark()}-{'9' * 30}-5-abcdefgh.tif"
    (tmp_path / name).write_text("the user's")
    write_text(str(tmp_path / "report.html"), "<p>written</p>")
    assert (tmp_path / name).read_text() == "the user's"
    assert (tmp_path / "report.html").read_text() == "<p>written</p>"


def _visible(folder):
    """The files of ``folder`` and their contents, temporaries (.partial-…) aside."""
    return {p.name: p.read_bytes() for p in folder.iterdir() if not p.name.startswith(".partial-")}


def _write_run(transaction, points_folder, raster_folder, between=None):
    """A run's outputs: a shapefile's three files and a GeoTIFF, in two folders, registered
    with ``transaction``; ``between()`` is called once they are written, before the commit."""
    with atomic_folder_destination(str(points_folder / "points.shp"), "OUTPUT_POINTS",
                                   transaction) as staged:
        for suffix in (".shp", ".dbf", ".shx"):
            with open(os.path.splitext(staged)[0] + suffix, "w") as handle:
                handle.write("new " + suffix)
    with atomic_destination(str(raster_folder / "decoded.tif"), "OUTPUT", transaction) as temporary:
        write_geotiff(temporary, [noisy_values(40, 40)], GEOTRANSFORM, "EPSG:32632",
                      parameter="OUTPUT", atomic=False)
    if between is not None:
        between()


def _previous_outputs(points_folder, raster_folder):
    for folder, names in ((points_folder, ("points.shp", "points.dbf", "points.shx")),
                          (raster_folder, ("decoded.tif",))):
        folder.mkdir(exist_ok=True)
        for name in names:
            (folder / name).write_bytes(b"previous " + name.encode())
    return _visible(points_folder), _visible(raster_folder)


def test_outputs_of_a_transaction_move_together(tmp_path):
    points, rasters = tmp_path / "points", tmp_path / "rasters"
    _previous_outputs(points, rasters)
    with OutputTransaction() as transaction:
        _write_run(transaction, points, rasters)
        # Nothing moves before the commit.
        assert (points / "points.shp").read_bytes() == b"previous points.shp"
        assert (rasters / "decoded.tif").read_bytes() == b"previous decoded.tif"
    assert _visible(points) == {"points.shp": b"new .shp", "points.dbf": b"new .dbf",
                                "points.shx": b"new .shx"}
    assert (rasters / "decoded.tif").read_bytes()[:2] in (b"II", b"MM")
    assert not [p for folder in (points, rasters) for p in folder.iterdir()
                if p.name.startswith(".partial-")]


def test_a_move_failing_part_way_puts_the_outputs_already_moved_back(tmp_path):
    """The shapefile moves first; the raster's folder cannot be written any more when its turn
    comes (made read-only between the work and the commit): the shapefile's previous files are
    put back, and no output of the run stays."""
    import contextlib

    points, rasters = tmp_path / "points", tmp_path / "rasters"
    before = _previous_outputs(points, rasters)
    with contextlib.ExitStack() as locked:
        with pytest.raises(EngineError) as raised:
            with OutputTransaction() as transaction:
                _write_run(transaction, points, rasters,
                           between=lambda: locked.enter_context(unwritable_folder(rasters)))
        assert (_visible(points), _visible(rasters)) == before
    message = str(raised.value)
    assert raised.value.parameter == "OUTPUT"
    assert message.startswith(f"The output '{rasters / 'decoded.tif'}' could not be moved into "
                              "place"), message
    assert "No output was changed" in message
    assert not [p for p in points.iterdir() if p.name.startswith(".partial-")]


def test_a_destination_made_a_folder_before_the_commit_changes_no_output(tmp_path):
    points, rasters = tmp_path / "points", tmp_path / "rasters"
    points.mkdir()
    rasters.mkdir()
    (points / "points.shp").write_bytes(b"previous")

    def made_a_folder():
        (rasters / "decoded.tif").mkdir()
        (rasters / "decoded.tif" / "inside.txt").write_text("the user's")

    with pytest.raises(EngineError) as raised:
        with OutputTransaction() as transaction:
            _write_run(transaction, points, rasters, between=made_a_folder)
    assert raised.value.parameter == "OUTPUT" and "is a folder now" in str(raised.value)
    assert _visible(points) == {"points.shp": b"previous"}
    assert (rasters / "decoded.tif" / "inside.txt").read_text() == "the user's"
    assert not [p for folder in (points, rasters) for p in folder.iterdir()
                if p.name.startswith(".partial-")]


def test_a_commit_killed_between_its_moves_loses_no_previous_output(tmp_path):
    """A run killed after moving a previous output aside and before moving its new one in:
    the next run writing there puts the previous output back instead of deleting it."""
    import subprocess
    import sys

    from colormap_decoder.plugin.engine import writing

    child = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                           capture_output=True, text=True, check=True)
    dead = int(child.stdout)
    aside = tmp_path / f".partial-{writing._host_mark()}-{dead}-1-abcdefgh"
    aside.mkdir()
    (aside / writing.PREVIOUS_MARKER).write_text("")
    (aside / "decoded.tif").write_bytes(b"previous raster")
    (aside / "points.gpkg").write_bytes(b"previous points")
    (tmp_path / "points.gpkg").write_bytes(b"new points")  # its new file had moved in
    remove_stale_temporaries(str(tmp_path))
    assert _visible(tmp_path) == {"decoded.tif": b"previous raster", "points.gpkg": b"new points"}
    assert not aside.exists()
