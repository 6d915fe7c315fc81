"""Figures drawn by QGIS's own map renderer with its own colour ramps, decoded by name.

The Vinschgau DEM is rendered as singleband pseudocolor (interpolated colour ramp shader built
from a ramp of QGIS's default style) into an image of 2 pixels per DEM cell, so each figure pixel
shows exactly one cell, and decoded with ``qgis:<ramp name>``.
"""
from pathlib import Path

import numpy as np
import pytest
import rasterio

from colormap_decoder.plugin.engine.colour_decoding import ColourDecoder, ValueMapping
from colormap_decoder.plugin.engine.colour_scales import resolve_colour_scale
from colormap_decoder.plugin.engine.figure import read_figure

DEM = Path(__file__).resolve().parents[2] / "sample" / "terra_elev_vinschgau.tif"
VMIN, VMAX = 0.0, 4000.0


def render_with_qgis(path, ramp_name):
    from qgis.core import (
        QgsColorRampShader,
        QgsMapRendererSequentialJob,
        QgsMapSettings,
        QgsRasterLayer,
        QgsRasterShader,
        QgsSingleBandPseudoColorRenderer,
        QgsStyle,
    )
    from qgis.PyQt.QtCore import QSize
    from qgis.PyQt.QtGui import QColor

    layer = QgsRasterLayer(str(DEM), "dem")
    assert layer.isValid()
    ramp = QgsStyle.defaultStyle().colorRamp(ramp_name)
    assert ramp is not None
    color_shader = QgsColorRampShader(VMIN, VMAX, ramp, QgsColorRampShader.Interpolated,
                                      QgsColorRampShader.Continuous)
    color_shader.classifyColorRamp()
    shader = QgsRasterShader()
    shader.setRasterShaderFunction(color_shader)
    layer.setRenderer(QgsSingleBandPseudoColorRenderer(layer.dataProvider(), 1, shader))
    settings = QgsMapSettings()
    settings.setLayers([layer])
    settings.setDestinationCrs(layer.crs())
    settings.setExtent(layer.extent())
    settings.setOutputSize(QSize(layer.width() * 2, layer.height() * 2))
    settings.setBackgroundColor(QColor(255, 255, 255))
    job = QgsMapRendererSequentialJob(settings)
    job.start()
    job.waitForFinished()
    job.renderedImage().save(str(path), "PNG")
    return settings


@pytest.mark.parametrize("ramp_name", ["Spectral", "Viridis", "Magma"])
def test_qgis_rendered_figure_decodes_with_the_qgis_ramp(qgis_app, tmp_path, ramp_name):
    render_with_qgis(tmp_path / "dem.png", ramp_name)
    rgb = read_figure(str(tmp_path / "dem.png")).rgb
    with rasterio.open(DEM) as dataset:
        truth = dataset.read(1, masked=True).filled(np.nan)
    assert rgb.shape[:2] == (truth.shape[0] * 2, truth.shape[1] * 2)
    scale = resolve_colour_scale(f"qgis:{ramp_name}")
    assert scale.name == f"qgis:{ramp_name}"
    decoded = ColourDecoder(scale, ValueMapping(VMIN, VMAX)).decode_image(rgb, max_distance=12.0)
    expected = np.repeat(np.repeat(truth, 2, axis=0), 2, axis=1)
    data = np.isfinite(expected)
    # DEM holes are drawn in the white background: not data.
    assert np.isnan(decoded.values[~data]).mean() >= 0.99
    assert np.isfinite(decoded.values[data]).mean() >= 0.99
    error = np.abs(decoded.values[data] - expected[data]) / (VMAX - VMIN)
    error = error[np.isfinite(error)]
    # QGIS interpolates between stops in 8-bit RGB and truncates each channel towards the lower
    # stop's colour (QgsColorRampShader::shade, static_cast<int>), so a rendered colour lags its
    # value by up to one 8-bit step: the median error is held to one step of the rendered ramp,
    # the range divided by the number of distinct colours it can show (~390–460 here).
    steps = np.abs(np.diff(np.round(scale.colours * 255), axis=0)).max(axis=1).sum()
    assert np.median(error) <= 1.0 / steps
    assert np.percentile(error, 95) <= 0.01
