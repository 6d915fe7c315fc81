"""The point layer written to a PostGIS table is all or nothing, like the files of the run.

A private PostgreSQL server with PostGIS (Debian's postgresql-15-postgis-3, run as ``nobody``
when the tests run as root: the server refuses root) listens on a Unix socket in a temporary
folder for this module. The layer is written to a new table of the database and takes the
destination table's place at the end, in one SQL transaction: a failure (a view depending on
the previous table), a cancellation or a failed move of the run's files leaves the previous
table and files as they were and no new table behind.
"""
import glob
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest
from sample_figure import FIGURE, POINTS_FILE
from sample_figure import sample_parameters as parameters

PORT = 5432


def _server_programs():
    for initdb in sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), reverse=True):
        version = Path(initdb).parents[1].name
        if Path(f"/usr/share/postgresql/{version}/extension/postgis.control").exists():
            return Path(initdb).parent
    return None


@pytest.fixture(scope="module")
def postgis():
    """The server's socket folder; a database 'maps' with PostGIS."""
    programs = _server_programs()
    if programs is None or not shutil.which("psql"):
        pytest.skip("PostgreSQL with PostGIS is not installed (make test installs "
                    "postgresql-15-postgis-3)")
    as_server = (["setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups"]
                 if os.geteuid() == 0 else [])
    folder = Path(tempfile.mkdtemp(prefix="colormap_decoder_postgis_"))
    folder.chmod(0o755)
    if as_server:
        shutil.chown(folder, "nobody", "nogroup")
    env = {"PATH": f"{programs}:/usr/bin:/bin", "LANG": "C.UTF-8"}

    def server(*command):
        return subprocess.run(as_server + list(command), env=env, capture_output=True,
                              text=True, timeout=120, cwd=folder, check=False)

    try:
        made = server("initdb", "-D", str(folder / "data"), "-U", "postgres", "--auth=trust")
        assert made.returncode == 0, made.stderr
        started = server("pg_ctl", "-D", str(folder / "data"), "-l", str(folder / "log"), "-w",
                         "-o", f"-k {folder} -p {PORT} -c listen_addresses=''", "start")
        assert started.returncode == 0, started.stderr + (folder / "log").read_text()
        sql(folder, "CREATE DATABASE maps", database="postgres")
        sql(folder, "CREATE EXTENSION postgis")
        yield folder
    finally:
        server("pg_ctl", "-D", str(folder / "data"), "-m", "immediate", "-w", "stop")
        shutil.rmtree(folder, ignore_errors=True)


def sql(folder, statement, database="maps"):
    done = subprocess.run(["psql", "-h", str(folder), "-p", str(PORT), "-U", "postgres", "-d",
                           database, "-XAtq", "-v", "ON_ERROR_STOP=1", "-c", statement],
                          capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def tables(folder):
    return sorted(sql(folder, "SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
                  .split())


def destination(folder, table="points"):
    return (f"postgres:dbname='maps' host={folder} port={PORT} user=postgres "
            f"table=\"public\".\"{table}\" (geom)")


@pytest.fixture()
def figure_copy(tmp_path):
    shutil.copy(FIGURE, tmp_path / FIGURE.name)
    shutil.copy(POINTS_FILE, tmp_path / POINTS_FILE.name)
    return tmp_path / FIGURE.name


def previous_table(folder, rows=3):
    sql(folder, "DROP VIEW IF EXISTS high; DROP TABLE IF EXISTS points; "
                "CREATE TABLE points (id serial PRIMARY KEY, geom geometry(Point, 32632), "
                "value double precision)")
    sql(folder, "INSERT INTO points (geom, value) SELECT ST_SetSRID(ST_MakePoint(600000 + i, "
                f"5150000), 32632), i FROM generate_series(1, {rows}) AS i")


def run(values, feedback=None):
    import processing
    from qgis.core import QgsProcessingFeedback

    return processing.run("colormapdecoder:decodemap", values,
                          feedback=feedback or QgsProcessingFeedback())


def test_the_point_layer_replaces_the_table_at_the_end(provider, postgis, tmp_path, figure_copy):
    previous_table(postgis)
    values = parameters(tmp_path / "out", figure=figure_copy, GCPS=str(figure_copy) + ".points",
                        OUTPUT_POINTS=destination(postgis))
    result = run(values)
    assert result["OUTPUT_POINTS"] == destination(postgis)
    assert tables(postgis) == ["points", "spatial_ref_sys"]
    count = int(sql(postgis, "SELECT count(*) FROM points"))
    assert count > 300
    # The values are the decoded ones (metres of the 0..4000 m DEM), not the previous rows.
    low, high = (float(v) for v in sql(postgis, "SELECT min(value), max(value) FROM points")
                 .split("|"))
    assert 0 <= low < high <= 4000 and high > 1000
    assert sql(postgis, "SELECT Find_SRID('public', 'points', 'geom')") == "32632"


def test_a_table_that_cannot_be_replaced_leaves_the_table_and_every_file(provider, postgis,
                                                                          tmp_path, figure_copy):
    """A view depends on the previous table: the server refuses to drop it. The whole run
    fails naming OUTPUT_POINTS; the raster, already moved into place, is put back."""
    previous_table(postgis)
    sql(postgis, "CREATE VIEW high AS SELECT * FROM points WHERE value > 1")
    out = tmp_path / "out"
    out.mkdir()
    (out / "decoded.tif").write_bytes(b"previous raster")
    values = parameters(out, figure=figure_copy, GCPS=str(figure_copy) + ".points",
                        OUTPUT_POINTS=destination(postgis))
    from qgis.core import QgsProcessingException

    with pytest.raises(QgsProcessingException) as raised:
        run(values)
    message = str(raised.value).removeprefix("Unable to execute algorithm\n")
    assert message.startswith('OUTPUT_POINTS: the point layer could not take the place of the '
                              'table "public"."points" (cannot drop table points'), message
    assert "view high depends on table points" in message and "CASCADE" not in message
    assert "The table was left as it was" in message
    assert sql(postgis, "SELECT count(*) FROM points") == "3"
    assert tables(postgis) == ["points", "spatial_ref_sys"]
    assert sorted(p.name for p in out.iterdir()) == ["decoded.tif"]
    assert (out / "decoded.tif").read_bytes() == b"previous raster"


def test_a_cancelled_run_leaves_the_table_and_no_new_one(provider, postgis, tmp_path,
                                                         figure_copy):
    from qgis.core import QgsProcessingFeedback

    class CancelWhileWriting(QgsProcessingFeedback):
        def setProgressText(self, text):  # noqa: N802 - Qt override
            super().setProgressText(text)
            if text == "Writing":
                self.cancel()

    previous_table(postgis)
    values = parameters(tmp_path / "out", figure=figure_copy, GCPS=str(figure_copy) + ".points",
                        OUTPUT_POINTS=destination(postgis))
    feedback = CancelWhileWriting()
    assert run(values, feedback) == {}
    assert feedback.isCanceled()
    assert sql(postgis, "SELECT count(*) FROM points") == "3"
    assert tables(postgis) == ["points", "spatial_ref_sys"]


#: A decode into a PostGIS table that kills itself (SIGKILL) once every point is in its staged
#: table, before the table takes the destination's place.
KILLED_CHILD = r"""
import os, signal, sys
sys.path.insert(0, {tests!r})
from sample_figure import start_qgis_with_provider
app, provider = start_qgis_with_provider()
import processing
from colormap_decoder.plugin.processing import staged_outputs

def die(*args, **kwargs):
    os.kill(os.getpid(), signal.SIGKILL)

staged_outputs.check_layer_complete = die
processing.run("colormapdecoder:decodemap", {values!r})
"""


def test_a_table_left_by_a_killed_run_is_dropped_by_the_next_run(provider, postgis, tmp_path,
                                                                   figure_copy):
    """A run killed while its points were in their staged table cannot drop it: the table
    ('points_partial_<machine>_<process>_…') stayed in the database for ever, unseen in the
    layer's own name. The next run writing to that schema on this machine drops it (its
    process is gone), and leaves tables of live runs and the user's own alone."""
    import sys

    previous_table(postgis)
    sql(postgis, "CREATE TABLE notes_partial_keep (id integer)")  # the user's, not a run's
    values = parameters(tmp_path / "out", figure=figure_copy, GCPS=str(figure_copy) + ".points",
                        OUTPUT_POINTS=destination(postgis))
    child = subprocess.run(
        [sys.executable, "-c", KILLED_CHILD.format(tests=str(Path(__file__).resolve().parents[1]),
                                                   values=values)],
        capture_output=True, text=True, timeout=300)
    assert child.returncode == -9, child.stdout + child.stderr
    left = [name for name in tables(postgis) if name.startswith("points_partial_")]
    assert len(left) == 1, tables(postgis)
    assert int(sql(postgis, f'SELECT count(*) FROM "{left[0]}"')) > 300
    assert sql(postgis, "SELECT count(*) FROM points") == "3"  # the table as it was
    run(values)
    assert tables(postgis) == ["notes_partial_keep", "points", "spatial_ref_sys"]
    assert int(sql(postgis, "SELECT count(*) FROM points")) > 300
    sql(postgis, "DROP TABLE notes_partial_keep")
