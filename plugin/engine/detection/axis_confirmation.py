"""Axis confirmation: an axis with only two labels (no fit can tell a misread) confirmed by
the other axis' scale or by its evenly spaced tick marks, after both axes are fitted.
"""
import dataclasses

import numpy as np

from .labels import dropped_point_readings
from .ticks import TickFit, fit_ticks

#: Largest relative difference between the scale two labels give an axis and the scale the
#: other axis implies (equal aspect), beyond the two labels' own placement uncertainty.
ASPECT_TOLERANCE = 0.01


def confirm_by_aspect(reading, frame_box) -> None:
    """An axis with two labels only, taken when the other axis confirms its scale.

    Two labels make a line, but a misread one makes another line, and nothing on the axis
    tells which. Maps are mostly drawn with equal scales in x and y: a plate carrée map in
    degrees (cartopy always; matplotlib's imshow by default), a projected map in metres, a
    Mercator, Miller or equal-area map (GMT -JM, cartopy, web maps: a degree of longitude is
    ``a·π/180`` metres of easting, and as many of northing per pixel). When the two labels'
    scale equals the fitted axis' within their placement uncertainty (half a pixel each over
    their distance) plus :data:`ASPECT_TOLERANCE`, in one of those models, a misread is ruled
    out (it would have to change the scale by less than that): the axis takes the other's
    scale, placed by the pair, and the messages say so. Otherwise the axis stays refused.

    An axis whose pair agrees with no model as read may have lost a label's decimal point in
    OCR ('48.5°' read '485°'): :func:`_pair_with_point_restored` tries the point back.
    """
    _confirm_pairs_by_each_other(reading, frame_box)
    for name, other_name in (("y", "x"), ("x", "y")):
        axis, other = getattr(reading, f"{name}_axis"), getattr(reading, f"{other_name}_axis")
        if axis is None or other is None or axis.fit is not None or axis.pair_fit is None \
                or other.fit is None or other.fit.logarithmic:
            continue
        pair = axis.kept
        if len(pair) != 2 or any(label.parsed is None for label in pair):
            continue
        degrees = all(label.parsed.degrees for label in pair)
        if degrees != other.degrees or axis.multiplier != other.multiplier or \
                abs(pair[1].position - pair[0].position) < 10:
            continue
        match = _scale_match(name, pair, other)
        point = ""
        restored = None if match is not None else _pair_with_point_restored(name, pair, other)
        if restored is not None:
            label, text, parsed, match = restored
            point = (f" once the decimal point OCR dropped from {label.text!r} is put back "
                     f"({text!r}: no other reading of the two agrees)")
            label.text, label.parsed, label.value = text, parsed, parsed.value
        if match is None:
            axis.problem += (f"; the two labels' scale does not match the {other_name} "
                             f"axis' as on a map drawn with equal scales")
            continue
        model, fit, expected, difference = match
        for label in pair:
            label.kept = True
        # The other axis' scale, fitted on more labels over a longer distance, is the
        # closer one; the pair places the line.
        positions = np.array([label.position for label in pair])
        values = np.array([label.value for label in pair], float)
        if fit.projection is not None:
            values = fit.projection.northing(values)
        slope = float(np.sign(fit.slope)) * expected
        offset = float(np.mean(values - slope * positions))
        residuals = (values - offset) / slope - positions
        axis.fit = TickFit(slope, offset, False, axis.labels, residuals, fit.projection)
        axis.problem = ""
        reading.messages.append(
            f"The {name} axis has only two labels ({pair[0].text!r}, {pair[1].text!r}); "
            f"their scale agrees with the {other_name} axis' within "
            f"{100 * difference:.2f} % ({model}){point}, which confirms them. Check the "
            f"georeferencing in the report if the figure was not drawn with equal "
            f"scales, or give GCPS.")


def _scale_match(name, pair, other) -> "tuple | None":
    """The first map model under which two labels' scale equals the other axis' (see
    :func:`confirm_by_aspect`).

    Parameters
    ----------
    name : str
        "x" or "y": the pair's axis.
    pair : list of TickLabel
        The axis' two labels, parsed, at least 10 px apart.
    other : AxisReading
        The other axis, fitted and linear.

    Returns
    -------
    tuple or None
        (the model's name, the pair's fit, the other axis' scale in the pair's fitted units
        per pixel, the relative difference of the two scales), or None when no model agrees
        within the pair's placement uncertainty plus :data:`ASPECT_TOLERANCE`.
    """
    from .projections import CYLINDRICAL, REFERENCE_GEOGRAPHIC

    degrees = all(label.parsed.degrees for label in pair)
    if degrees != other.degrees:
        return None
    distance = abs(pair[1].position - pair[0].position)
    tolerance = 1.0 / distance + ASPECT_TOLERANCE
    # Candidate models: (what it is called, fit of the pair, the other axis' scale in the
    # pair's fitted units per pixel).
    models = []
    other_projection = other.fit.projection
    if other_projection is None:
        models.append(("equal scales along x and y", fit_ticks(pair), abs(other.fit.slope)))
    if degrees:
        from pyproj import CRS

        radius = CRS.from_user_input(REFERENCE_GEOGRAPHIC).ellipsoid.semi_major_metre
        metres_per_degree = radius * np.pi / 180.0
        for projection in CYLINDRICAL:
            if name == "y" and other_projection is None:
                # Longitude degrees per pixel along x as northing metres per pixel.
                models.append((projection.name, fit_ticks(pair, projection=projection),
                               abs(other.fit.slope) * metres_per_degree))
            elif name == "x" and other_projection is projection:
                models.append((projection.name, fit_ticks(pair),
                               abs(other.fit.slope) / metres_per_degree))
    for model, fit, expected in models:
        if fit is None or expected <= 0:
            continue
        difference = abs(abs(fit.slope) / expected - 1.0)
        if difference <= tolerance:
            return model, fit, expected, difference
    return None


def _pair_with_point_restored(name, pair, other) -> "tuple | None":
    """Two labels whose scale matches the other axis' once OCR's dropped decimal point is
    put back in one of them ('48.5°' read '485°' beside '49°': GMT's Helvetica-Bold at 72 dpi
    joins the point to the 8 before it).

    Every reading of either label with a point put back (:func:`.labels.dropped_point_readings`)
    is tried with the other label as read; a reading is taken when the two values then stand a
    round step apart (:func:`round_step`: renderers label round intervals) and their scale
    matches the other axis' (:func:`_scale_match`) with the map not mirrored (the pair's
    values run against the other axis' as rows against columns: x growing rightward where y
    grows upward, or both reversed), and it is the only such reading of the two labels: two
    candidates would be a guess. Labels whose value is no longer their text's (a longitude
    unwrapped by 360°, a renderer's offset added) are left as read: the point would be put
    back in one number and the step taken from another.

    Parameters
    ----------
    name : str
        "x" or "y": the pair's axis.
    pair : list of TickLabel
        The axis' two labels, parsed.
    other : AxisReading
        The other axis, fitted and linear.

    Returns
    -------
    tuple or None
        (the label to change, its text with the point, that text parsed, the match as
        :func:`_scale_match` returns it), or None.
    """
    if any(label.parsed is None or label.value != label.parsed.value for label in pair):
        return None
    found = []
    for index, label in enumerate(pair):
        partner = pair[1 - index]
        for text, parsed in dropped_point_readings(label.text, label.parsed):
            if not round_step(parsed.value - partner.value):
                continue
            candidate = dataclasses.replace(label, text=text, parsed=parsed, value=parsed.value)
            trial = [candidate, partner] if index == 0 else [partner, candidate]
            match = _scale_match(name, trial, other)
            # A restored value is a choice the reading did not make: one that mirrors the
            # map (both axes' values growing the same way in pixels) is no map's.
            if match is not None and np.sign(match[1].slope) != np.sign(other.fit.slope):
                found.append((label, text, parsed, match))
    return found[0] if len(found) == 1 else None


#: Mantissas of a round step between ticks (GMT's and matplotlib's automatic intervals).
ROUND_STEPS = (1.0, 2.0, 2.5, 5.0)
#: Least number of evenly spaced tick marks that confirm two labels.
MIN_CONFIRMING_MARKS = 5


def round_step(step) -> bool:
    """Whether a value step is 1, 2, 2.5 or 5 times a power of ten."""
    if not np.isfinite(step) or step == 0:
        return False
    exponent = np.floor(np.log10(abs(step)))
    mantissa = abs(step) / 10.0 ** exponent
    return any(abs(mantissa - candidate) <= 1e-6 * candidate or
               abs(mantissa - 10 * candidate) <= 1e-5 * candidate for candidate in ROUND_STEPS)


def even_spacing(marks) -> "tuple | None":
    """Tick-mark centres (pixels, sorted) on one even spacing, each within a pixel and a tenth
    of it: their indices, spacing, first place and residuals; None for fewer than three
    marks, marks under 3 px apart, or marks off one spacing."""
    marks = np.sort(np.asarray(marks, float))
    if marks.size < 3:
        return None
    spacing = float(np.median(np.diff(marks)))
    if spacing < 3.0:
        return None
    # The marks' own fit, each indexed by rounding from the first.
    index = np.round((marks - marks[0]) / spacing)
    if np.unique(index).size != index.size:
        return None
    slope, intercept = np.polyfit(index, marks, 1)
    residuals = marks - (intercept + slope * index)
    if np.abs(residuals).max() > max(1.0, 0.1 * slope):
        return None
    return index, float(slope), float(intercept), residuals


def confirm_pair_by_marks(axis, marks) -> str:
    """An axis (or a colorbar) with two labels only, taken when its tick marks confirm them.

    Two labels make a line, and a misread one makes another. The tick marks beside them are
    geometry the reading cannot change: renderers draw them evenly spaced (GMT's frame and
    annotation ticks, matplotlib's minor and major ticks) at multiples of a round interval,
    and a label stands on every few of them. The two labels are confirmed when at least
    :data:`MIN_CONFIRMING_MARKS` marks lie on one even spacing (each within a pixel and a
    tenth of the spacing), each label stands on one of them (within a quarter of the
    spacing), the values' difference is a round step (1, 2, 2.5 or 5 times a power of ten:
    :func:`round_step`), and so is that difference divided by the marks between them, the
    two values being multiples of it. A misread ('500' as '300', '1000' as '1500', a digit
    dropped or added) breaks one of these but for rare coincidences; a lost sign is not seen
    here (it is by the labels' own checks). The fit is then the marks' spacing with the
    values' step per mark, through both labels; ``axis.fit`` is set and a message returned
    ('' when not confirmed).

    Parameters
    ----------
    axis : AxisReading
    marks : ndarray of float
        Tick-mark centres along the side, pixels (minor and major).

    Returns
    -------
    str
    """
    numbers = [label for label in axis.labels if label.value is not None and
               np.isfinite(label.value)]
    marks = np.sort(np.asarray(marks, float))
    if len(numbers) != 2 or numbers[0].value == numbers[1].value or \
            marks.size < MIN_CONFIRMING_MARKS:
        return ""
    spacing = even_spacing(marks)
    if spacing is None:
        return ""
    index, slope, intercept, residuals = spacing
    places = []
    for label in numbers:
        where = label.tick_position if label.tick_position is not None else \
            label.label_position
        nearest = int(np.round((where - intercept) / slope))
        if abs(where - (intercept + slope * nearest)) > 0.25 * slope or \
                not np.any(index == nearest):
            return ""
        places.append(nearest)
    if places[0] == places[1]:
        return ""
    difference = numbers[1].value - numbers[0].value
    per_mark = difference / (places[1] - places[0])
    if not round_step(difference) or not round_step(per_mark) or any(
            abs(label.value / per_mark - round(label.value / per_mark)) > 1e-6
            for label in numbers):
        return ""
    # value = a + b * index, index = (position - intercept) / slope.
    value_per_px = per_mark / slope
    offset = numbers[0].value - per_mark * places[0] - value_per_px * intercept
    for label, place in zip(numbers, places):
        label.kept = True
        label.tick_position = float(intercept + slope * place)
        label.tick_only = True
    axis.fit = TickFit(float(value_per_px), float(offset), False, axis.labels,
                       np.array([0.0, 0.0]))
    axis.problem = ""
    axis.marks_confirmation = (int(marks.size), float(slope), float(np.abs(residuals).max()),
                               abs(places[1] - places[0]))
    return pair_by_marks_text(axis)


def pair_by_marks_text(axis) -> str:
    """What :func:`confirm_pair_by_marks` found, said with the labels' values as they are
    now: :func:`resolve_degree_readings` may take the two afterwards as multiples of a
    graticule interval ('275.87°', '275.88°' as 1' apart, not 0.01°), and the step a mark
    is then that interval's share (15", not the 0.0025 the written values gave).

    Parameters
    ----------
    axis : AxisReading
        An axis confirmed by :func:`confirm_pair_by_marks` (``marks_confirmation`` set).

    Returns
    -------
    str
    """
    count, spacing, residual, apart = axis.marks_confirmation
    numbers = [label for label in axis.labels if label.value is not None and
               np.isfinite(label.value)]
    per_mark = abs(numbers[1].value - numbers[0].value) / apart
    step = _interval_text(per_mark) if axis.unrounded_step is not None else f"{per_mark:g}"
    return (f"only two labels ({numbers[0].text!r}, {numbers[1].text!r}), confirmed by "
            f"{count} evenly spaced tick marks ({spacing:.2f} px apart, within "
            f"{residual:.2f} px): the labels stand {apart} marks apart, {step} a mark, a "
            f"round step. Check the values in the report")


#: Largest error (pixels) at the frame's far end that two labels' placement may cause when both
#: axes rest on two labels each.
PAIR_FRAME_ERROR_PX = 1.5


def _confirm_pairs_by_each_other(reading, frame_box):
    """Both axes with two labels only, taken when their scales are equal (a map drawn with
    equal scales along x and y: projected metres, or plate carrée degrees).

    A QGIS print layout of a small area often shows two grid annotations a side. Each pair
    makes a line, and a misread label another; two misreads giving both axes one scale within
    the pairs' placement uncertainty (half a pixel each over each pair's distance) plus
    :data:`ASPECT_TOLERANCE` would be a coincidence, and one that changes a scale by less
    than that is harmless. Both axes then take the mean of the two scales, each placed by its
    pair, and the messages say so. Other cases are left to :func:`confirm_by_aspect`.

    Each scale then rests on two placements only, so their precision is checked too: where a
    label's tick mark (or a zebra band's turn) and its text's centre disagree, the pair's
    distance is uncertain by the difference of the two labels' disagreements (at least a
    pixel), and carried to the frame's far end that must stay within
    :data:`PAIR_FRAME_ERROR_PX`. A QGIS zebra frame
    draws each block with an outline, which moves every turn towards the light block (0.8 px
    at 100 dpi, both axes alike): 0.8 % of scale, 3 px at the frame's corner, undetected by
    the scales' agreement.
    """
    x_axis, y_axis = reading.x_axis, reading.y_axis
    if x_axis is None or y_axis is None or x_axis.fit is not None or y_axis.fit is not None or \
            x_axis.pair_fit is None or y_axis.pair_fit is None:
        return
    pairs = []
    for axis in (x_axis, y_axis):
        pair = axis.kept
        if len(pair) != 2 or any(label.parsed is None for label in pair):
            return
        distance = abs(pair[1].position - pair[0].position)
        if distance < 10 or pair[1].value == pair[0].value:
            return
        # A label's text off its tick by the same amount at both ends moves the pair, not
        # its distance (the ink's centre below a tick beside a vertical side): the
        # difference of the two offsets is what the distance is unsure of.
        offsets = [label.label_position - label.tick_position for label in pair
                   if label.tick_position is not None]
        disagreement = abs(offsets[1] - offsets[0]) if len(offsets) == 2 else 0.0
        middle = 0.5 * (pair[0].position + pair[1].position)
        left, top, right, bottom = frame_box
        start, end = (left, right) if axis is x_axis else (top, bottom)
        reach = max(abs(start - middle), abs(end - middle))
        error_px = max(disagreement, 1.0) / distance * reach
        if error_px > PAIR_FRAME_ERROR_PX:
            axis.problem += (f"; its two labels' tick marks and texts disagree by "
                             f"{disagreement:.1f} px, {error_px:.1f} px at the frame's end")
            return
        pairs.append((pair, distance, (pair[1].value - pair[0].value) /
                      (pair[1].position - pair[0].position)))
    degrees = [all(label.parsed.degrees for label in pair) for pair, _, _ in pairs]
    if degrees[0] != degrees[1] or x_axis.multiplier != y_axis.multiplier:
        return
    (x_pair, x_distance, x_slope), (y_pair, y_distance, y_slope) = pairs
    difference = abs(abs(x_slope) / abs(y_slope) - 1.0)
    if difference > 1.0 / x_distance + 1.0 / y_distance + ASPECT_TOLERANCE:
        return
    scale = float(np.sqrt(abs(x_slope) * abs(y_slope)))
    for axis, pair, slope in ((x_axis, x_pair, x_slope), (y_axis, y_pair, y_slope)):
        positions = np.array([label.position for label in pair])
        values = np.array([label.value for label in pair], float)
        signed = float(np.sign(slope)) * scale
        offset = float(np.mean(values - signed * positions))
        for label in pair:
            label.kept = True
        axis.fit = TickFit(signed, offset, False, axis.labels,
                           (values - offset) / signed - positions)
        axis.problem = ""
    reading.messages.append(
        f"Both axes have only two labels (x {x_pair[0].text!r}, {x_pair[1].text!r}; y "
        f"{y_pair[0].text!r}, {y_pair[1].text!r}); their scales agree within "
        f"{100 * difference:.2f} % (equal scales along x and y), which confirms them. Check "
        f"the georeferencing in the report if the figure was not drawn with equal scales, or "
        f"give GCPS.")


def _degree_scale(values, positions, projection) -> "float | None":
    """Pixels per degree at the middle of labels placed at ``positions`` with ``values``
    (degrees; latitudes through ``projection``'s northing when one is given), or None when
    they lie off one line by more than :data:`DEGREE_READING_RESIDUAL_PX`."""
    values, positions = np.asarray(values, float), np.asarray(positions, float)
    along = values if projection is None else projection.northing(values)
    slope, offset = np.polyfit(along, positions, 1)
    if np.abs(positions - (slope * along + offset)).max() > DEGREE_READING_RESIDUAL_PX:
        return None
    if projection is None:
        return abs(float(slope))
    middle, half = float(np.mean(values)), 1e-3
    northing = projection.northing(np.array([middle - half, middle + half]))
    return abs(float(slope) * float(northing[1] - northing[0]) / (2 * half))


#: Largest distance (pixels) of a label from the line of a reading of its axis' labels.
DEGREE_READING_RESIDUAL_PX = 2.0


def _latitude_to_longitude_ratios(latitude) -> list:
    """(model, a degree of latitude's length along y over a degree of longitude's along x)
    at ``latitude`` (degrees) on the maps drawn in degrees with equal scales (plate carrée)
    or in a cylindrical projection (:data:`.projections.CYLINDRICAL`)."""
    from .projections import CYLINDRICAL

    ratios = [("equal scales along x and y", 1.0)]
    half = 1e-3
    for projection in CYLINDRICAL:
        east, north = projection.forward(np.array([-half, half, 0.0, 0.0]),
                                         np.array([latitude] * 2 + [latitude - half,
                                                                    latitude + half]))
        ratios.append((projection.name, float((north[3] - north[2]) / (east[1] - east[0]))))
    return ratios


def resolve_degree_readings(reading) -> None:
    """Decimal-degree labels with more than one reading (:func:`.ticks.degree_readings`)
    read by the other axis' scale.

    GMT's ``ddd.xx`` writes a 1' graticule with two decimals; three labels '36.58°', '36.60°',
    '36.62°' are then evenly spaced as written (0.02°) and as 1' multiples rounded
    (36.5833°, 36.6°, 36.6167°), and two labels are as many things as there are intervals
    whose multiples round to them. Taken as written, the scale was 20 % off and the GCPs
    60-75 px off in silence (sweep_auto_decode --wide --wider 280 #1: y axis of three labels,
    281 #2: x axis of two, confirmed by their tick marks). A map in degrees is drawn with a
    degree of latitude along y as long as a degree of longitude along x (plate carrée), or
    as long as a cylindrical projection makes it at the map's latitude (Mercator: 1/cos φ
    times); the readings of both axes whose ratio is one of these (within the labels'
    placement, a pixel over each axis' span, plus :data:`ASPECT_TOLERANCE`) are kept. One
    pair of readings left: the axes take it (the messages say so when it is not the one
    read). None or several: the axes with more than one reading are refused (the GCPS are
    then to be given), rather than taking one at random.

    A reading that needs a tie (QGIS's 0.025° written '84.33°W 84.30°W 84.27°W 84.25°W',
    sweep_qgis_layouts seed 282 #3: read as written, 0.03° apart, 102 px off in silence) is
    taken only so: one misread digit is explained by a tie as often as a rounding is
    ('84.32 84.30 84.28 84.25', 0.02° with '84.26' read '84.25', are 0.025° multiples). When
    pairs with and without a tie both fit, the one without is taken, with a warning naming
    both; when the other axis' scale confirms no single pair (or cannot be compared), an axis
    whose only other readings need a tie keeps the reading it has (as before ties were
    read), with that warning.
    """
    x_axis, y_axis = reading.x_axis, reading.y_axis
    axes = (("x", x_axis), ("y", y_axis))
    if x_axis is None or y_axis is None or x_axis.fit is None or y_axis.fit is None or \
            x_axis.fit.logarithmic or y_axis.fit.logarithmic or \
            x_axis.multiplier != 1.0 or y_axis.multiplier != 1.0 or \
            not (x_axis.degrees and y_axis.degrees) or x_axis.fit.projection is not None:
        for name, axis in axes:
            if axis is not None and axis.fit is not None and not axis.fit.logarithmic:
                axis_options = _degree_options(axis)
                _warn_untaken_ties(reading, name, axis, axis_options[0], axis_options,
                                   "cannot be compared with it")
        return
    options = [_degree_options(axis) for _, axis in axes]
    if len(options[0]) == 1 and len(options[1]) == 1:
        return
    spans = [max(float(np.ptp([label.position for label in axis.kept])), 1.0)
             for _, axis in axes]
    x_positions = [label.position for label in x_axis.kept]
    y_positions = [label.position for label in y_axis.kept]
    tolerance = 1.0 / spans[0] + 1.0 / spans[1] + ASPECT_TOLERANCE
    fitting = []
    for x_index, (_, x_values, _) in enumerate(options[0]):
        x_scale = _degree_scale(x_values, x_positions, None)
        for y_index, (_, y_values, _) in enumerate(options[1]):
            y_scale = _degree_scale(y_values, y_positions, y_axis.fit.projection)
            if x_scale is None or y_scale is None or x_scale <= 0:
                continue
            ratio = y_scale / x_scale
            models = [model for model, expected in
                      _latitude_to_longitude_ratios(float(np.mean(y_values)))
                      if abs(ratio / expected - 1.0) <= tolerance]
            if models:
                fitting.append((x_index, y_index, models[0]))
    # A pair needing no tie before one needing a tie (degree_readings' order), with a
    # warning: the other axis' scale confirms both.
    untied = [pair for pair in fitting
              if not options[0][pair[0]][2] and not options[1][pair[1]][2]]
    chosen = fitting if len(fitting) == 1 else untied if len(untied) == 1 else []
    if chosen:
        x_index, y_index, model = chosen[0]
        for side, ((name, axis), index, axis_options) in enumerate(
                zip(axes, (x_index, y_index), options)):
            # The tied readings of a pair the other axis' scale agrees with too.
            agreeing = [axis_options[other] for other in sorted({pair[side] for pair in fitting})]
            _warn_untaken_ties(reading, name, axis, axis_options[index], agreeing,
                               "agrees with either (equal scales or a cylindrical projection)")
            if index == 0:
                continue
            interval, values, tied = axis_options[index]
            texts = ", ".join(repr(label.text) for label in axis.kept)
            for label, value in zip(axis.kept, values):
                label.value = float(value)
            fit = fit_ticks(axis.labels, projection=axis.fit.projection)
            if fit is None or len(fit.kept) != len(values):
                axis.fit, axis.problem = None, (
                    f"its labels ({texts}) read at {_interval_text(interval)} intervals "
                    "(as the other axis' scale says) do not lie on one line")
                continue
            axis.fit, axis.unrounded_step = fit, interval
            reading.messages.append(
                f"The {name} axis labels ({texts}) are read as multiples of "
                f"{_interval_text(interval)} rounded to the decimals written"
                f"{', ties either way' if tied else ''} "
                f"({', '.join(f'{value:.6g}' for value in values)}): read as written, the "
                f"axes' scales would not agree on a map in degrees; they agree so ({model}).")
        return
    verdict = "confirms none of them" if not fitting else "does not tell them apart"
    for (name, axis), axis_options in zip(axes, options):
        if sum(not tied for _, _, tied in axis_options) == 1:
            _warn_untaken_ties(reading, name, axis, axis_options[0], axis_options,
                               f"{verdict} (equal scales or a cylindrical projection)")
            continue
        texts = ", ".join(repr(label.text) for label in axis.kept)
        intervals = " or ".join(_interval_text(interval) for interval, _, _ in axis_options)
        axis.fit = None
        axis.problem = (
            f"its labels ({texts}) may be multiples of {intervals} rounded to the decimals "
            f"written, and the other axis' scale {verdict} "
            "(equal scales or a cylindrical projection), so where each value lies is not known")


def confirm_tied_readings(reading) -> None:
    """Axes refused for labels rounded off their line (:func:`.ticks.rounded_off_the_line`)
    read as one interval's multiples rounded with ties either way
    (:func:`.ticks.tied_reading`) when the other axis' scale agrees.

    QGIS writes a 0.025° graticule with two decimals, '-84.18 -84.15 -84.13 -84.10' along x
    and '36.63 36.60 36.58 36.55' along y (sweep_qgis_layouts seed 311 #7: both axes refused;
    with a degree sign and two labels a side, #0, decoded with a warning). A tie explains one
    misread digit as well as a rounding, so such a reading is taken only when the other axis'
    scale gives the same number of pixels per unit as on a map drawn with equal scales
    (degrees or plain numbers alike) or, for degrees, a cylindrical projection at the map's
    latitude, within the labels' placement (a pixel over each axis' span) plus
    :data:`ASPECT_TOLERANCE`. The other axis' scale is its fit's, or one of its readings
    with ties (:func:`.ticks.degree_readings`: three of '19.45°N 19.42°N 19.40°N 19.38°N'
    lie 0.02° apart as written), or its own tied reading when it too was refused so; exactly
    one of them must agree, and the other axis takes it. The axis is then fitted through
    the values read so, with a warning saying the labels were rounded; otherwise it stays
    refused, its problem saying why.

    Parameters
    ----------
    reading : FigureReading
        Both axes read; an axis with a ``tied_reading`` and no fit is the one judged.
    """
    axes = {"x": reading.x_axis, "y": reading.y_axis}
    pending = [name for name, axis in axes.items() if axis is not None and axis.fit is None
               and axis.rounded_off_line and axis.tied_reading is not None]
    for name in pending:
        other_name = "y" if name == "x" else "x"
        axis, other = axes[name], axes[other_name]
        interval, pairs = axis.tied_reading
        degrees = all(label.parsed.degrees for label, _ in pairs)
        interval_text = _interval_text(interval) if degrees else f"{interval:g}"
        values_text = ", ".join(f"{value:.6g}" for _, value in pairs)
        own = ([value for _, value in pairs], [label.position for label, _ in pairs])
        agreeing = []
        for option in _scale_options(other, other_name in pending, degrees):
            other_values, other_labels, projection, other_interval, other_tied = option
            other_positions = [label.position for label in other_labels]
            (x_values, x_positions), (y_values, y_positions) = \
                (own, (other_values, other_positions)) if name == "x" else \
                ((other_values, other_positions), own)
            x_scale = _degree_scale(x_values, x_positions, None)
            y_scale = _degree_scale(y_values, y_positions, projection)
            if x_scale is None or y_scale is None or x_scale <= 0:
                continue
            tolerance = sum(1.0 / max(float(np.ptp(positions)), 1.0)
                            for positions in (x_positions, y_positions)) + ASPECT_TOLERANCE
            ratios = _latitude_to_longitude_ratios(float(np.mean(y_values))) if degrees else \
                [("equal scales along x and y", 1.0)]
            models = [model for model, expected in ratios
                      if abs(y_scale / x_scale / expected - 1.0) <= tolerance]
            if models:
                agreeing.append((option, models[0]))
        if len(agreeing) != 1:
            axis.problem += (f"; read as multiples of {interval_text} rounded with ties either "
                             f"way ({values_text}), the other axis' scale "
                             f"{'confirms it in more than one reading' if agreeing else 'does not confirm it'}"
                             " (equal scales or a cylindrical projection)")
            continue
        (other_values, other_labels, _, other_interval, other_tied), model = agreeing[0]
        before = [(label, label.value) for label in axis.labels]
        step_before = axis.unrounded_step
        if not _refit(axis, [label for label, _ in pairs], [value for _, value in pairs]):
            axis.problem += (f"; read as multiples of {interval_text} rounded with ties "
                             f"either way, its labels do not lie on one line")
            continue
        axis.unrounded_step = interval if degrees else None
        by = f"the {other_name} axis' scale"
        if other_tied and other.fit is not None:
            # The other axis read as written agrees not, read with ties it does: taken so.
            texts = ", ".join(repr(label.text) for label in other_labels)
            if not _refit(other, other_labels, other_values):
                # Back to refused as it was: its labels' values, marks and step as read.
                for label, value in before:
                    label.value = value
                fit_ticks(axis.labels, projection=axis.fit.projection)
                axis.unrounded_step = step_before
                axis.fit, axis.problem = None, (
                    f"{axis.problem}; read as multiples of {interval_text} rounded with ties "
                    f"either way, the {other_name} axis' labels ({texts}) read so too do not "
                    "lie on one line")
                continue
            other.unrounded_step = other_interval
            other_interval_text = _interval_text(other_interval) if degrees else \
                f"{other_interval:g}"
            by += (f", its labels ({texts}) read as multiples of {other_interval_text} "
                   "rounded with ties either way too,")
        elif other_name in pending:
            by += ", read so too,"
        axis.problem = ""
        texts = ", ".join(repr(label.text) for label, _ in pairs)
        reading.warnings.append(
            f"The {name} axis labels ({texts}) are rounded to fewer decimals than their "
            f"spacing needs: they are read as multiples of {interval_text} rounded to the "
            f"decimals written, ties either way ({values_text}), which {by} confirms "
            f"({model}). Check the labels in the report, or give GCPS.")


def _scale_options(axis, pending, degrees) -> list:
    """The scales an axis may have for :func:`confirm_tied_readings`: (values, positions
    (pixels), projection of its fit or None, interval or None, whether the option is a
    reading with ties other than the one fitted), its fit's first, then its degree readings
    with ties (:func:`_degree_options`), or its own tied reading when it was refused for
    rounded labels (``pending``); none when its labels are not of the kind ``degrees`` says,
    scaled by an offset's multiplier, or logarithmic."""
    if axis is None or axis.multiplier != 1.0:
        return []
    if pending:
        interval, pairs = axis.tied_reading
        if all(label.parsed.degrees for label, _ in pairs) != degrees:
            return []
        return [([value for _, value in pairs], [label for label, _ in pairs], None,
                 interval, False)]
    if axis.fit is None or axis.fit.logarithmic or len(axis.kept) < 2 or \
            axis.degrees != degrees:
        return []
    options = [([label.value for label in axis.kept], axis.kept, axis.fit.projection,
                axis.unrounded_step, False)]
    # Every label a reading was made of, those the fit dropped too.
    readings = [(interval, pairs) for interval, pairs, tied in axis.degree_readings if tied]
    if axis.tied_reading is not None:
        readings.append(axis.tied_reading)
    kept = {id(label) for label in axis.kept}
    for interval, pairs in readings:
        read = {id(label) for label, _ in pairs}
        if not kept < read:
            # A fit keeping every label the reading explains has them on its line as written:
            # '36.58 36.60 36.62' are 0.02 apart, and also 0.025's multiples with ties
            # (36.575, 36.6, 36.625), a scale 0.8 times theirs that an x axis' tied reading
            # at a 1.25 aspect agreed with (30-44 px off). A reading with ties is the other
            # axis' scale only when it explains labels the fit dropped.
            continue
        values = [value for _, value in pairs]
        if not any(len(values) == len(other[0]) and
                   np.allclose(values, other[0], rtol=0.0, atol=1e-9) for other in options):
            options.append((values, [label for label, _ in pairs], axis.fit.projection,
                            interval, True))
    return options


def _refit(axis, labels, values) -> bool:
    """Fit ``axis`` through ``labels`` read as ``values``: True when the fit keeps them all
    (the axis' fit is then it), else False with every label's value as it was."""
    before = [(label, label.value) for label in axis.labels]
    for label, value in zip(labels, values):
        label.value = float(value)
    projection = None if axis.fit is None else axis.fit.projection
    fit = fit_ticks(axis.labels, projection=projection)
    if fit is None or len(fit.kept) != len(labels):
        for label, value in before:
            label.value = value
        fit_ticks(axis.labels, projection=projection)  # the labels' kept marks as they were
        return False
    axis.fit = fit
    return True


def _degree_options(axis) -> list:
    """An axis' readings of its kept labels (:func:`.ticks.degree_readings`) as (interval or
    None, values, whether it needs a tie): the one it has first, then each other reading
    covering every kept label, in their order."""
    kept = axis.kept
    current = [label.value for label in kept]
    axis_options = [(axis.unrounded_step, current, False)]
    for interval, pairs, tied in axis.degree_readings:
        values = {id(label): value for label, value in pairs}
        if not all(id(label) in values for label in kept):
            continue
        candidate = [values[id(label)] for label in kept]
        if not np.allclose(candidate, current, rtol=0.0, atol=1e-9):
            axis_options.append((interval, candidate, tied))
        elif axis_options[0][0] is None:
            axis_options[0] = (interval, current, False)
    return axis_options


def _warn_untaken_ties(reading, name, axis, taken, axis_options, why) -> None:
    """A warning when the labels an axis keeps, read as ``taken`` (one of ``axis_options``,
    :func:`_degree_options`), are also an interval's multiples rounded with ties either way
    (its tied readings), which the other axis' scale did not decide (``why``): the reading
    taken may be a 0.025° graticule's read 0.03° apart."""
    tied = [(interval, values) for interval, values, needs_tie in axis_options
            if needs_tie and values is not taken[1]]
    if not tied:
        return
    texts = ", ".join(repr(label.text) for label in axis.kept)
    interval, values, _ = taken
    if interval is None and len(values) > 1:
        interval = float(np.min(np.abs(np.diff(np.sort(values)))))
    others = "; or ".join(f"{_interval_text(other)} ("
                          f"{', '.join(f'{value:.6g}' for value in other_values)})"
                          for other, other_values in tied)
    reading.warnings.append(
        f"The {name} axis labels ({texts}) are read {_interval_text(interval)} apart, but "
        f"they may be multiples of {others} rounded to the decimals written, ties either "
        f"way, and the other axis' scale {why}. Check the labels in the report, or give GCPS.")


def _interval_text(interval) -> str:
    """An interval in degrees as written on a graticule: 1', 30", 0.02°."""
    if interval is None:
        return "the interval read"
    for unit, mark in ((60.0, "'"), (3600.0, '"')):
        count = interval * unit
        if abs(count - round(count)) < 1e-6 and round(count) >= 1 and \
                abs(interval * 10 ** 6 - round(interval * 10 ** 6)) > 1e-6:
            return f"{round(count)}{mark}"
    return f"{interval:g}°"
