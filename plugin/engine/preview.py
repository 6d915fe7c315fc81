"""Decoding a reduced copy of a figure quickly, again and again, for the decode window's preview.

The window redraws the decoded values each time the user drags a box or changes the colour
scale. Decoding the whole figure each time would be too slow on a large figure, so the preview
decodes a copy reduced by an integer step (every ``step``-th pixel of every ``step``-th row),
keeps the figure's colours exactly (no averaging: an averaged colour is one the figure never
drew, and would decode to a wrong value or be masked), and remembers the colour decoder between
updates so that moving the plot area costs only the decoding itself.

Everything the preview decodes goes through the same stages as :func:`pipeline.decode_map`
(``build_colour_scale``, ``build_value_mapping``, ``choose_match_space``,
``pixels_to_examine``, ``ColourDecoder.decode_image``), so the preview shows what Decode
will produce.
"""
import math
from dataclasses import dataclass

import numpy as np

from .colour_decoding import ColourDecoder
from .pipeline import (
    build_colour_scale,
    build_value_mapping,
    choose_match_space,
    pixels_to_examine,
    plot_area_box,
    study_region,
)

#: The preview decodes at most this many pixels: a 1 MP figure whole, a 12 MP one every 3rd pixel.
DEFAULT_PREVIEW_PIXELS = 1_500_000

#: Entries of the colour table the preview is coloured through (see :meth:`Preview.rgba`).
COLOUR_TABLE_SIZE = 4096

#: Colour of examined pixels that are not data (farther than the maximum ΔE), RGBA 0-255.
MASK_COLOUR = (255, 0, 255, 255)


def reduction_step(shape, max_pixels=DEFAULT_PREVIEW_PIXELS) -> int:
    """The whole-pixel step that brings a figure to at most ``max_pixels`` pixels.

    Parameters
    ----------
    shape : tuple (rows, cols)
    max_pixels : int

    Returns
    -------
    int
        1 when the figure is small enough, else the smallest step ``s`` with
        ``ceil(rows / s) * ceil(cols / s) <= max_pixels``.
    """
    rows, cols = shape
    step = max(1, int(math.ceil(math.sqrt(rows * cols / float(max_pixels)))))
    while math.ceil(rows / step) * math.ceil(cols / step) > max_pixels:
        step += 1
    return step


@dataclass
class Preview:
    """One preview: the reduced figure's decoded values and colour distances.

    Attributes
    ----------
    values : ndarray of float32, shape (rows / step, cols / step)
        Decoded value; NaN where the pixel is not data.
    distance : ndarray of float32, same shape
        CIELAB ΔE to the colour scale; NaN where the pixel was not examined.
    examine : ndarray of bool, same shape
        Pixels in the plot area, not on the colorbar nor masked, opaque.
    step : int
        Reduced pixel ``(i, j)`` is figure pixel ``(i * step, j * step)`` (row, column).
    decoder : ColourDecoder
    max_color_distance : float
        ΔE above which a pixel is not data.
    plot_box, colorbar_box : tuple (col0, row0, col1, row1) or None
        The boxes as the pipeline clipped them to the figure, in figure pixels.
    """

    values: np.ndarray
    distance: np.ndarray
    examine: np.ndarray
    step: int
    decoder: ColourDecoder
    max_color_distance: float
    plot_box: tuple
    colorbar_box: tuple = None

    @property
    def data_fraction(self) -> float:
        """Share of the examined pixels that decoded to a value (0..1)."""
        examined = int(self.examine.sum())
        return float(np.isfinite(self.values).sum()) / examined if examined else 0.0

    def rgba(self, show_values=True, show_mask=True) -> np.ndarray:
        """The preview as an RGBA image (uint8, shape (rows, cols, 4)) for drawing.

        Parameters
        ----------
        show_values : bool
            Decoded pixels drawn in the colour their value has on the colour scale (what the
            figure would look like if every pixel were exactly on the scale).
        show_mask : bool
            Examined pixels that are not data drawn in :data:`MASK_COLOUR`.

        Returns
        -------
        ndarray of uint8, shape (rows, cols, 4)
            Transparent where nothing is drawn.
        """
        rows, cols = self.values.shape
        image = np.zeros((rows, cols, 4), dtype=np.uint8)
        data = np.isfinite(self.values)
        if show_values and data.any():
            mapping, scale = self.decoder.mapping, self.decoder.scale
            # Colours through a table of the scale: far finer than 8-bit colour steps, and
            # ten times faster than interpolating the scale at each of a million pixels.
            table = np.empty((COLOUR_TABLE_SIZE + 1, 4), dtype=np.uint8)
            table[:-1, :3] = np.round(
                scale.colour_at(np.linspace(0.0, 1.0, COLOUR_TABLE_SIZE)) * 255)
            table[:-1, 3] = 255
            table[-1] = 0  # not data: transparent
            with np.errstate(invalid="ignore", divide="ignore"):
                fractions = mapping.to_fraction(self.values)
            index = np.rint(np.clip(fractions, 0.0, 1.0) * (COLOUR_TABLE_SIZE - 1))
            index = np.where(data, index, COLOUR_TABLE_SIZE).astype(np.intp)
            image = table[index]
        if show_mask:
            masked = self.examine & ~data
            image[masked] = MASK_COLOUR
        return image


class PreviewDecoder:
    """Decodes a reduced copy of one figure with changing settings.

    Parameters
    ----------
    figure : figure.Figure
        The figure as :func:`figure.read_figure` read it.
    max_pixels : int
        Size of the reduced copy (see :func:`reduction_step`).
    """

    def __init__(self, figure, max_pixels=DEFAULT_PREVIEW_PIXELS):
        self.figure = figure
        self.step = reduction_step(figure.shape, max_pixels)
        # A contiguous copy: decoding reads it in row chunks.
        self.rgb = np.ascontiguousarray(figure.rgb[::self.step, ::self.step])
        self._decoder_key = None
        self._decoder = None
        self._colorbar_box = None

    def decoder_for(self, settings) -> tuple:
        """The colour decoder of ``settings`` (COLORMAP or COLORBAR, range, scale, levels).

        Built again only when one of those changed since the last call.

        Returns
        -------
        decoder : ColourDecoder
        colorbar_box : tuple or None
            The colorbar box in figure pixels, when the scale comes from the colorbar.

        Raises
        ------
        EngineError
            As the pipeline's stages: unknown colormap, empty range, bad levels...
        """
        key = (settings.colormap, settings.colorbar_extent, settings.colorbar_flip, settings.vmin,
               settings.vmax, settings.logarithmic, settings.levels, settings.match_space,
               settings.qgis_resources)
        if key != self._decoder_key:
            scale, colorbar_box = build_colour_scale(settings, self.figure)
            mapping = build_value_mapping(settings, scale)
            self._decoder = ColourDecoder(scale, mapping,
                                          choose_match_space(settings, self.figure))
            self._colorbar_box = colorbar_box
            self._decoder_key = key
        return self._decoder, self._colorbar_box

    def decode(self, settings) -> "Preview":
        """Decode the reduced figure with ``settings`` (a ``pipeline.DecodeSettings``).

        Only the settings the decoding itself uses matter: the colour scale, its range, scale
        and levels, the plot area, the colorbar box, the mask polygons, the maximum colour
        distance and the matching space. (Denoising is left out of the preview: a median
        filter on the reduced copy would mix pixels that are not neighbours in the figure.)

        Returns
        -------
        Preview
        """
        decoder, colorbar_box = self.decoder_for(settings)
        examine, plot_box = pixels_to_examine(settings, self.figure, colorbar_box)
        examine = np.ascontiguousarray(examine[::self.step, ::self.step])
        self._study(decoder, plot_box)
        # Empty MAX_COLOR_DISTANCE (None): the threshold from the figure's noise, as the job's.
        threshold = float(decoder.figure_study.threshold if settings.max_color_distance is None
                          else settings.max_color_distance)
        field = decoder.decode_image(self.rgb, examine, threshold, study=False)
        return Preview(field.values, field.distance, examine, self.step, decoder, threshold,
                       plot_box, colorbar_box)

    def _study(self, decoder, plot_box):
        """As the pipeline: the decoder studies the full figure's plot area (once per decoder
        and plot area), so that the preview's pixels decode as the job's will."""
        if getattr(self, "_study_key", None) != (id(decoder), plot_box):
            decoder.study_figure(self.figure.rgb, study_region(self.figure, plot_box))
            self._study_key = (id(decoder), plot_box)

    def value_at(self, settings, column, row) -> tuple | None:
        """Decoded value and ΔE of the figure's own pixel under a position (full resolution).

        Parameters
        ----------
        settings : pipeline.DecodeSettings
        column, row : float
            Position in figure pixels (x right, y down, (0, 0) the top-left corner).

        Returns
        -------
        tuple (value, distance) or None
            ``value`` is NaN when the pixel is farther than the maximum colour distance;
            None outside the figure.
        """
        rows, cols = self.figure.shape
        col, line = int(math.floor(column)), int(math.floor(row))
        if not (0 <= col < cols and 0 <= line < rows):
            return None
        decoder, _ = self.decoder_for(settings)
        threshold = settings.max_color_distance
        if threshold is None:
            # Empty MAX_COLOR_DISTANCE: the figure's own threshold, as decode() takes it.
            self._study(decoder, plot_area_box(settings, self.figure))
            threshold = decoder.figure_study.threshold
        values, distance, _ = decoder.decode_colours(self.figure.rgb[line:line + 1, col])
        value = float(values[0]) if distance[0] <= threshold else math.nan
        return value, float(distance[0])
