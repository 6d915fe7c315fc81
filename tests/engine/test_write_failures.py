"""A write that fails part-way (a full disk, a quota, a file size limit) is an error, not a
truncated file moved into place.

GDAL reports a failed write on its error stream only; rasterio raises nothing. The disk is
filled here with a file size limit (``RLIMIT_FSIZE``, with ``SIGXFSZ`` ignored, so a write
beyond it fails with EFBIG as a write onto a full disk fails with ENOSPC): no privileges needed.
"""
import os

import numpy as np
import pytest
from hostile_conditions import file_size_limit

from colormap_decoder.plugin.engine.errors import EngineError
from colormap_decoder.plugin.engine.writing import (
    atomic_folder_destination,
    check_geotiff_complete,
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
