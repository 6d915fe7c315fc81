"""A run killed (SIGKILL: no clean-up at all) at any point of moving its outputs into place.

Afterwards every output is whole: its previous file or its new one, never missing, never half
written; the temporaries it left are removed by the next run writing to that folder, which
then works as if nothing had happened. The process is killed for real, in a child process,
just before each of the file system changes of the commit (every rename and link), and once
between the writing and the commit.
"""
import os
import subprocess
import sys
from pathlib import Path

import pytest

from colormap_decoder.plugin.engine.writing import remove_stale_temporaries

TESTS = str(Path(__file__).resolve().parents[1])

#: A run of three outputs in two folders: a shapefile's three files and a report (which has no
#: previous file) in one, a GeoTIFF in the other. KILL_AT: the file system change (os.link or
#: os.replace, counted from 1) before which the process kills itself; 0: never.
RUN = r"""
import os, signal, sys
sys.path.insert(0, {tests!r})
from sample_figure import expose_package
expose_package()
import numpy as np
from colormap_decoder.plugin.engine import writing
from colormap_decoder.plugin.engine.writing import (OutputTransaction, atomic_destination,
    atomic_folder_destination, write_geotiff)

points, rasters, kill_at, label = {points!r}, {rasters!r}, {kill_at}, {label!r}
changes = [0]

def killing(real):
    def change(*args, **kwargs):
        changes[0] += 1
        if changes[0] == kill_at:
            os.kill(os.getpid(), signal.SIGKILL)
        return real(*args, **kwargs)
    return change

with OutputTransaction() as transaction:
    with atomic_folder_destination(points + "/points.shp", "OUTPUT_POINTS", transaction) as staged:
        for suffix in (".shp", ".dbf", ".shx"):
            with open(os.path.splitext(staged)[0] + suffix, "w") as handle:
                handle.write(label + suffix)
    with atomic_folder_destination(points + "/report.html", "OUTPUT_REPORT", transaction) as staged:
        with open(staged, "w") as handle:
            handle.write(label + " report")
    with atomic_destination(rasters + "/decoded.tif", "OUTPUT", transaction) as temporary:
        write_geotiff(temporary, [np.full((300, 300), float(len(label)), np.float32)],
                      (600000.0, 100.0, 0.0, 5200000.0, 0.0, -100.0), "EPSG:32632", atomic=False)
    if kill_at < 0:  # killed once everything is written, before the commit
        os.kill(os.getpid(), signal.SIGKILL)
    os.link, os.replace = killing(os.link), killing(os.replace)
print(changes[0])
"""


def run(points, rasters, kill_at=0, label="new"):
    """Run the child; the number of file system changes of its commit, or None if killed."""
    child = subprocess.run(
        [sys.executable, "-c", RUN.format(tests=TESTS, points=str(points), rasters=str(rasters),
                                          kill_at=kill_at, label=label)],
        capture_output=True, text=True, timeout=120)
    if child.returncode == -9:
        return None
    assert child.returncode == 0, child.stderr
    return int(child.stdout)


def outputs(points, rasters):
    """Each output's state: 'previous', 'new', 'missing' or what else it holds."""
    import rasterio

    states = {}
    for name in ("points.shp", "points.dbf", "points.shx", "report.html"):
        path = points / name
        if not path.exists():
            states[name] = "missing"
            continue
        text = path.read_text()
        states[name] = {f"previous {name}": "previous", "new" + path.suffix: "new",
                        "new report": "new"}.get(text, text)
    tif = rasters / "decoded.tif"
    if not tif.exists():
        states["decoded.tif"] = "missing"
    elif tif.read_bytes() == b"previous decoded.tif":
        states["decoded.tif"] = "previous"
    else:
        with rasterio.open(tif) as dataset:  # whole: every pixel reads back
            states["decoded.tif"] = "new" if (dataset.read(1) == 3).all() else "damaged"
    return states


def previous_outputs(points, rasters):
    for folder, names in ((points, ("points.shp", "points.dbf", "points.shx")),
                          (rasters, ("decoded.tif",))):
        folder.mkdir(exist_ok=True)
        for name in names:
            (folder / name).write_bytes(b"previous " + name.encode())


def temporaries(*folders):
    return sorted(p.name for folder in folders for p in folder.iterdir()
                  if p.name.startswith(".partial-"))


def test_a_commit_killed_at_each_change_leaves_every_output_whole(tmp_path):
    points, rasters = tmp_path / "points", tmp_path / "rasters"
    previous_outputs(points, rasters)
    changes = run(points, rasters)
    # 4 previous files kept (hard links), 5 files renamed into place.
    assert changes == 9
    assert set(outputs(points, rasters).values()) == {"new"}
    for kill_at in range(1, changes + 1):
        case = tmp_path / f"killed_at_{kill_at}"
        points, rasters = case / "points", case / "rasters"
        case.mkdir()
        previous_outputs(points, rasters)
        assert run(points, rasters, kill_at) is None
        states = outputs(points, rasters)
        assert set(states.values()) <= {"previous", "new", "missing"}, (kill_at, states)
        # The report had no previous file: missing is its previous state. Every other output
        # is its previous file or its new one, whole, at any instant.
        assert {name: state for name, state in states.items()
                if state == "missing"}.keys() <= {"report.html"}, (kill_at, states)
        assert temporaries(points, rasters), "a killed run leaves its temporaries"
        # The next run tidies them away without changing an output...
        for folder in (points, rasters):
            remove_stale_temporaries(str(folder))
        assert outputs(points, rasters) == states
        assert not temporaries(points, rasters), kill_at
        # ... and runs as if nothing had happened.
        assert run(points, rasters, label="new") == changes + (states["report.html"] == "new")
        assert set(outputs(points, rasters).values()) == {"new"}
        assert not temporaries(points, rasters)


def test_a_run_killed_before_its_commit_changes_no_output(tmp_path):
    points, rasters = tmp_path / "points", tmp_path / "rasters"
    previous_outputs(points, rasters)
    assert run(points, rasters, kill_at=-1) is None
    assert outputs(points, rasters) == {"points.shp": "previous", "points.dbf": "previous",
                                        "points.shx": "previous", "report.html": "missing",
                                        "decoded.tif": "previous"}
    assert temporaries(points, rasters)
    assert run(points, rasters) == 9
    assert set(outputs(points, rasters).values()) == {"new"}
    assert not temporaries(points, rasters)


@pytest.mark.skipif(not hasattr(os, "link"), reason="no hard links")
def test_without_hard_links_previous_outputs_are_moved_aside_and_put_back(tmp_path, monkeypatch):
    """Where the file system makes no hard links, a previous file moved aside by a run killed
    before its new file moved in is put back by the next run, never lost."""
    from colormap_decoder.plugin.engine import writing

    def no_links(*args, **kwargs):
        raise PermissionError(1, "Operation not permitted")

    monkeypatch.setattr(writing.os, "link", no_links)
    points, rasters = tmp_path / "points", tmp_path / "rasters"
    previous_outputs(points, rasters)
    with writing.OutputTransaction() as transaction:
        with writing.atomic_destination(str(rasters / "decoded.tif"), "OUTPUT",
                                        transaction) as temporary:
            Path(temporary).write_bytes(b"new decoded.tif")
    assert (rasters / "decoded.tif").read_bytes() == b"new decoded.tif"
    assert not temporaries(rasters)
