"""A user's correction of one tick label, and what the figure then says.

The decode window shows every tick label the detection read (``detection.findings``). When the
user types another value for a label (OCR misread it, or could not read it at all), the labels
of that axis are fitted again exactly as the detection fits them (``detection.ticks.fit_ticks``:
RANSAC, a misread is rejected by the others), and the answer that depends on them is made
again: the colorbar's value range and scale, or the GCPs from the frame's axes.
"""
import dataclasses
import math
from typing import TYPE_CHECKING

from .detection.answers import Answers, Needs, _answer_gcps, _answer_value_range
from .detection.figure_reading import MIN_KEPT_LABELS, MIN_KEPT_SHARE, _colorbar_values
from .detection.ticks import fit_ticks
from .errors import EngineError
from .pipeline import DecodeSettings

if TYPE_CHECKING:
    from .detection.figure_reading import AxisReading

AXES = ("colorbar", "x", "y")


def axis_reading(reading, axis) -> "AxisReading | None":
    """The ``AxisReading`` of ``axis`` ("colorbar", "x" or "y") in a ``FigureReading``, or None."""
    if axis == "colorbar":
        return reading.colorbar.axis if reading.colorbar is not None else None
    return getattr(reading, f"{axis}_axis")


def every_label(reading) -> list:
    """(axis, index, TickLabel) of every label read on a figure, colorbar first."""
    if reading is None:
        return []
    found = []
    for axis in AXES:
        side = axis_reading(reading, axis)
        if side is not None:
            found += [(axis, index, label) for index, label in enumerate(side.labels)]
    return found


@dataclasses.dataclass
class TickEditResult:
    """What changed after a tick label's value was corrected.

    Attributes
    ----------
    vmin, vmax, logarithmic, flip : float, float, bool, bool or None
        The colorbar's range, scale and direction (colorbar labels; None when the fit failed).
    levels : tuple of float or None
        A discrete colorbar's class boundaries from the new fit.
    gcps : GroundControlPoints or None
        The GCPs from the axes (axis labels; None when they cannot be made).
    problem : str
        Why the fit or the GCPs failed, naming what to give by hand; empty when all is well.
    """

    axis: str
    vmin: float = None
    vmax: float = None
    logarithmic: bool = None
    flip: bool = None
    levels: tuple = None
    gcps: object = None
    problem: str = ""


def edit_tick(findings, axis, index, value, gcp_crs=None, figure_rgb=None) -> "TickEditResult":
    """Give tick label ``index`` of ``axis`` the value ``value`` and fit that axis again.

    Parameters
    ----------
    findings : detection.findings.FigureFindings
        Changed in place: the label's value, every label's ``kept`` flag, the axis' fit, and
        the colorbar reading or ``findings.gcps``.
    axis : {"colorbar", "x", "y"}
    index : int
        The label's index in its axis' ``labels``.
    value : float or None
        None (or NaN) takes the label out of the fit.
    gcp_crs : str or None
        The CRS the axis labels are written in (for the GCPs).
    figure_rgb : ndarray of uint8, optional
        The figure's pixels: a discrete colorbar's class boundaries (LEVELS) follow the range.

    Returns
    -------
    TickEditResult
    """
    reading, layout = findings.reading, findings.layout
    side = axis_reading(reading, axis)
    if side is None:
        raise ValueError(f"No labels were read on the {axis}.")
    label = side.labels[index]
    label.value = None if value is None or not math.isfinite(value) else float(value)
    is_bar = axis == "colorbar"
    side.fit = fit_ticks(side.labels, allow_log=is_bar)
    numbers = sum(item.value is not None for item in side.labels)
    kept = len(side.kept)
    side.problem = ""
    if side.fit is None or kept < MIN_KEPT_LABELS or kept < MIN_KEPT_SHARE * numbers:
        side.problem = (f"{kept} of {numbers} labels with values on the {side.side} side agree "
                        f"on one {'scale' if is_bar else 'linear scale'}")
        side.fit = None
    result = TickEditResult(axis)
    answers = Answers(DecodeSettings(figure_path="", gcp_crs=gcp_crs), reading,
                      figure_rgb=figure_rgb)
    try:
        if is_bar:
            reading.colorbar = _colorbar_values(side, layout.colorbar, layout.snap_offset)
            _answer_value_range(answers, layout, Needs(value_range=True, scale=True))
            bar = reading.colorbar
            result.vmin, result.vmax = bar.vmin, bar.vmax
            result.logarithmic, result.flip = bar.logarithmic, bar.flip
            result.levels = answers.settings.levels
        else:
            _answer_gcps(answers, layout)
            findings.gcps = result.gcps = answers.gcps
    except EngineError as error:
        result.problem = str(error)
    return result
