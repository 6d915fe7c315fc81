"""Everything a figure says about itself, found without a decode: what ``detectfigure`` shows.

Unlike :func:`.answers.answer_from_figure`, which answers one run's missing parameters and
refuses what does not hold up, this collects every finding and every problem, so a user (or a
dialog) sees them all before decoding.
"""
from dataclasses import dataclass, field
from typing import Optional

from ..cancellation import cancellable_by_progress
from ..errors import EngineError
from .answers import Answers, Needs, _answer_gcps, _answer_value_range
from .figure_reading import describe_axis, read_figure_face
from .layout import describe_layout_use, detect_layout, extent_text, layout_warnings, pixel_box_to_extent
from .ocr import INSTALL_HINT, ocr_available


@dataclass
class FigureFindings:
    """What was found on a figure, as parameters of ``decodemap`` where it answers one.

    Attributes
    ----------
    parameters : dict
        Parameter name to value ("PLOT_AREA" as 'xmin,xmax,ymin,ymax', "VMIN" as float...);
        only what was found.
    gcps : GroundControlPoints or None
    problems : list of str
        What could not be found, each naming the parameter to give by hand.
    """

    layout: object
    reading: object = None
    gcps: object = None
    parameters: dict = field(default_factory=dict)
    messages: list = field(default_factory=list)
    problems: list = field(default_factory=list)
    recognised: Optional[object] = None


def find_everything(figure, gcp_crs=None, resources=None, progress=None,
                    plot_box=None) -> "FigureFindings":
    """Frame, colorbar, colormap, value range, scale, levels and GCPs of a figure.

    Parameters
    ----------
    figure : figure.Figure
    gcp_crs : str, optional
        The CRS the axis labels are written in (degrees without one are taken as EPSG:4326).
    resources : str, optional
        QGIS's resources folder (QGIS ramps and cpt-city for colormap recognition).
    plot_box : tuple (col0, row0, col1, row1), optional
        A plot area the user gave or drew, pixels: on a figure of several map panels, the
        panel holding it is the one whose frame, axes and colorbar are read, as decodemap
        reads them with that PLOT_AREA (:func:`.layout.detect_layout`).

    progress : callable(fraction, message) -> bool, optional
        Told each stage (fraction 0–1) and asked before each tick label is read; returning
        True cancels with ``InterruptedError``, as :func:`..pipeline.decode_map` does.

    Returns
    -------
    FigureFindings

    Raises
    ------
    InterruptedError
        When ``progress`` asked to stop.
    """
    # The stages' inner loops ask ``progress`` too (cancellation.check): at the fraction last
    # reported, with no new message.
    with cancellable_by_progress(progress) as reported:
        return _find_everything(figure, gcp_crs, resources, progress, reported, plot_box)


def _find_everything(figure, gcp_crs, resources, progress, reported, plot_box):
    """:func:`find_everything` itself, ``reported[0]`` kept at the fraction last reported."""
    from ..pipeline import DecodeSettings

    def stage(start, end, message):
        """progress(fraction within the stage) -> bool for the stage from start to end."""
        def report(fraction=0.0):
            reported[0] = start + (end - start) * fraction
            if progress is not None and progress(reported[0], message):
                raise InterruptedError("Cancelled.")
            return False
        report()
        return report

    stage(0.0, 0.2, "Finding the frame and the colorbar")
    layout = detect_layout(figure.rgb, plot_box)
    findings = FigureFindings(layout)
    settings = DecodeSettings(
        figure_path=figure.path, gcp_crs=gcp_crs, scale_automatic=True, qgis_resources=resources,
        plot_area_extent=None if plot_box is None else
        pixel_box_to_extent(plot_box, figure.geotransform))
    findings.messages += describe_layout_use(layout, settings, figure.geotransform)
    findings.messages += layout_warnings(layout, settings)
    if layout.frame is not None:
        findings.parameters["PLOT_AREA"] = extent_text(
            pixel_box_to_extent(layout.frame.inner_pixel_box(), figure.geotransform))
    else:
        findings.problems.append("PLOT_AREA: no map frame (a box of straight dark lines) was "
                                 "found; draw the map panel by hand.")
    if layout.colorbar is not None:
        findings.parameters["COLORBAR"] = extent_text(
            pixel_box_to_extent(layout.colorbar.pixel_box(), figure.geotransform))
    else:
        findings.problems.append("COLORBAR: no colorbar was found; give COLORMAP (a name or a "
                                 ".cpt file) or draw the COLORBAR box.")
    if not ocr_available():
        findings.problems.append(f"VMIN, VMAX, GCPS: tick labels cannot be read. {INSTALL_HINT}")
        _recognise_colormap(findings, figure, layout, settings)
        return findings
    findings.reading = read_figure_face(figure.rgb, layout,
                                        progress=stage(0.2, 0.8, "Reading the tick labels"))
    layout.over_map_text = list(findings.reading.over_map_boxes)
    layout.bar_labels_read = findings.reading.bar_labels_over_map
    layout.over_map_solid = list(findings.reading.over_map_solid_boxes)
    layout.over_map_ink = findings.reading.over_map_ink
    stage(0.8, 0.9, "Fitting the value range")
    findings.messages += findings.reading.messages
    answers = Answers(settings, findings.reading, figure_rgb=figure.rgb)
    if layout.colorbar is not None:
        try:
            _answer_value_range(answers, layout, Needs(value_range=True, scale=True))
            bar = findings.reading.colorbar
            findings.parameters.update(VMIN=bar.vmin, VMAX=bar.vmax,
                                       SCALE=1 if bar.logarithmic else 0,
                                       COLORBAR_FLIP=bar.flip)
            if answers.settings.levels:
                findings.parameters["LEVELS"] = ",".join(f"{v:g}" for v in answers.settings.levels)
        except EngineError as error:
            findings.problems.append(f"{error.parameter}: {error}")
    # With the bar's direction and tick fit when its labels were read, as decodemap has them.
    stage(0.9, 0.95, "Recognising the colormap")
    _recognise_colormap(findings, figure, layout, answers.settings)
    stage(0.95, 1.0, "Making GCPs from the axes")
    if figure.geotransform is None:
        try:
            _answer_gcps(answers, layout)
            findings.gcps = answers.gcps
            findings.parameters["GCP_CRS"] = answers.settings.gcp_crs
        except EngineError as error:
            findings.problems.append(f"{error.parameter}: {error}")
    else:
        findings.messages.append("The figure is georeferenced: no GCPs needed.")
    findings.messages += [m for m in answers.messages if m not in findings.messages]
    return findings


def _recognise_colormap(findings, figure, layout, settings):
    """The colormap the bar shows, recognised as decodemap recognises it with ``settings``
    (:func:`.colormap_match.read_bar_colours`); COLORMAP only when decodemap would decode with
    that colormap's table."""
    from .colormap_match import read_bar_colours

    if layout.colorbar is None:
        return
    try:
        found = findings.recognised = read_bar_colours(
            figure.rgb, layout, settings, jpeg=figure.image_format == "JPEG").recognised
    except EngineError as error:
        findings.problems.append(f"COLORBAR: {error}")
        return
    if found is None:
        return
    if found.exact:
        findings.parameters["COLORMAP"] = found.name
        findings.messages.append(f"Colormap recognised: {found.name} (mean ΔE "
                                 f"{found.mean_delta_e:.2f} from the bar's colours).")
    else:
        findings.messages.append(
            f"Colormap close to {found.name} (mean ΔE {found.mean_delta_e:.2f} from the bar's "
            f"colours), but the map's pixels lie closer to the bar's own colours: COLORMAP is "
            f"left empty, so that decodemap decodes the bar's colours.")


__all__ = ["find_everything", "FigureFindings", "describe_axis"]
