"""The bundled sample figure, its parameters and its truth, shared by tests and scripts.

The sample is the Vinschgau 250 m DEM drawn by matplotlib with viridis over 0–4000 m
(``sample/make_sample.py``): one colormap step is 4000 / 256 ≈ 15.6 m.
"""
import atexit
import shutil
import sys
import tempfile
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
SAMPLE = REPO_ROOT / "sample"
#: The temporary folders this process made (the sample's copy, the package links).
_TEMPORARY_FOLDERS = []


def _temporary_folder(prefix):
    """A new temporary folder, removed at exit (or by ``remove_temporary_folders``)."""
    folder = Path(tempfile.mkdtemp(prefix=prefix))
    _TEMPORARY_FOLDERS.append(folder)
    atexit.register(shutil.rmtree, folder, True)
    return folder


def remove_temporary_folders():
    """Remove the temporary folders this process made, now: a process whose exit handlers may
    not run calls it when its work is done (after a failed window test, QGIS crashed at exit
    with a segmentation fault, and both folders were left in /tmp)."""
    while _TEMPORARY_FOLDERS:
        shutil.rmtree(_TEMPORARY_FOLDERS.pop(), ignore_errors=True)


def _working_copy_of_the_figure():
    """A copy of the sample figure and its GCPs in a temporary folder, removed at exit.

    QGIS writes GDAL's statistics (``.aux.xml``) beside every raster it opens, so tests and
    scripts that hand the figure to QGIS open this copy: the checkout stays as it was.
    """
    folder = _temporary_folder("colormap_decoder_sample_")
    for name in ("vinschgau_viridis.png", "vinschgau_viridis.png.points"):
        shutil.copy2(SAMPLE / name, folder / name)
    return folder


FIGURE = _working_copy_of_the_figure() / "vinschgau_viridis.png"
POINTS_FILE = FIGURE.parent / "vinschgau_viridis.png.points"
TRUTH = SAMPLE / "terra_elev_vinschgau.tif"
STEP = 4000 / 256


def expose_package(code=None):
    """Make this checkout (or ``code``, another checkout's folder, e.g. an older commit's
    ``git archive`` for a before/after table) importable as the package ``colormap_decoder``,
    whatever its folder is called (the plugin's relative imports need that name): a link in a
    temporary folder put on ``sys.path``, the folder removed at exit (the link only: the
    checkout it points to is not followed)."""
    link_parent = _temporary_folder("colormap_decoder_pkg_")
    target = REPO_ROOT if code is None else Path(code).resolve()
    (link_parent / "colormap_decoder").symlink_to(target, target_is_directory=True)
    sys.path.insert(0, str(link_parent))
    return link_parent


def sample_extents():
    """The sample's PLOT_AREA and COLORBAR, as the command line takes them."""
    return dict(line.split("=", 1) for line in
                (SAMPLE / "vinschgau_viridis.extents.txt").read_text().splitlines() if line)


def sample_parameters(output_folder=None, figure=FIGURE, colormap="viridis", **overrides):
    """decodemap parameters for the sample (outputs in ``output_folder`` when given)."""
    values = {"INPUT": str(figure), "GCPS": str(POINTS_FILE), "TRANSFORM": 0,
              "TARGET_CRS": "EPSG:32632", "COLORMAP": colormap, "VMIN": 0, "VMAX": 4000,
              "PLOT_AREA": sample_extents()["PLOT_AREA"]}
    if output_folder is not None:
        values.update(OUTPUT=str(Path(output_folder) / "decoded.tif"),
                      OUTPUT_POINTS=str(Path(output_folder) / "points.gpkg"))
    values.update(overrides)
    return values


def truth_on_grid(path):
    """An output raster and the DEM resampled bilinearly (as matplotlib drew it) on its grid.

    Returns
    -------
    decoded : numpy masked array
    expected : ndarray of float32, NaN where the DEM has no data
    """
    import numpy as np
    import rasterio
    from rasterio.warp import Resampling, reproject

    with rasterio.open(path) as output, rasterio.open(TRUTH) as truth:
        decoded = output.read(1, masked=True)
        expected = np.full(decoded.shape, np.nan, dtype=np.float32)
        reproject(rasterio.band(truth, 1), expected, dst_transform=output.transform,
                  dst_crs=output.crs, dst_nodata=np.nan, resampling=Resampling.bilinear)
    return decoded, expected


def start_qgis_with_provider():
    """A headless QGIS with Processing and this plugin's provider (for scripts, not tests).

    Returns
    -------
    app, provider
        Keep both referenced: QGIS 3.22 keeps no Python reference to the provider.
    """
    from qgis.testing import start_app

    app = start_app()
    sys.path.insert(0, "/usr/share/qgis/python/plugins")
    from processing.core.Processing import Processing

    Processing.initialize()
    expose_package()
    from qgis.core import QgsApplication

    from colormap_decoder.plugin.processing.provider import ColormapDecoderProvider

    provider = ColormapDecoderProvider()
    QgsApplication.processingRegistry().addProvider(provider)
    return app, provider
