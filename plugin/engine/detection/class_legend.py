"""A legend of class patches: one filled box of one colour per class, each with its label.

QGIS draws a classified layer's legend so (a paletted or discrete singleband-pseudocolour
raster, a graduated renderer): a column of equal patches, one per class, evenly spaced on the
legend's background, each with its label to its right. There is no ramp to sample and no tick
marks to fit: the patches are the class colours, and the labels say the classes' boundaries.

Finding the patches (:func:`find_class_patches`): regions of one flat colour that fill their
bounding box, of one size, stacked at one pitch with their left edges aligned, the gaps
between them of one background colour, and ink (a label) to the right of each. A map drawn in
flat classes has rectangles of one colour too, but not equal ones stacked evenly on one
background colour, each with text beside it.

Reading the labels (:func:`class_boundaries`): QGIS writes a discrete shader's classes as
their upper bounds with ``inf`` for the last ('-400', '0', ..., '2000', 'inf'); its renderer
dialog, and graduated renderers, write ranges ('0 - 500', '<= 200', '> 3000'). Either gives
the boundaries; a list of plain values without such a mark does not (upper bounds, lower
bounds or class values?) and is refused, naming LEVELS.
"""
import re
from dataclasses import dataclass, field

import numpy as np
from scipy import ndimage

from ..colour_decoding import srgb_to_lab
from ..regions import label_sizes

#: Neighbouring pixels differing by at most this much (any channel, 0-255) are one flat colour:
#: a patch's fill through JPEG noise at quality 60, not a gradient's steps.
FLAT_STEP = 10
#: Fewest patches taken for a legend of classes.
MIN_PATCHES = 3
#: A region fills at least this share of its bounding box to be a patch.
MIN_FILL = 0.9
#: A region above or below a column of patches found, at its pitch, of its size and aligned
#: with it, is one more patch when it fills this share of its box: in a JPEG a saturated
#: patch's 4:2:0 chroma noise leaves its flat pixels short of MIN_FILL (QGIS's Inferno_r
#: orange and red patches at quality 60: 0.89 and 0.88), and the column was cut there, its
#: classes above the cut taken for colours off the scale (sweep_qgis_layouts 279 #3).
MIN_FILL_IN_COLUMN = 0.75
#: Widest outline drawn round a patch, pixels: a patch as dark as its outline is one flat
#: region with it, this much larger on each side than its column's other patches.
OUTLINE_PX = 3
#: Patches at least this many pixels a side.
MIN_PATCH_PX = 6
#: ΔE*ab at most between the gaps' colour and the strip beside the column: one background.
BACKGROUND_DELTA_E = 8.0
#: ΔE*ab at least between neighbouring patches' colours: each a class of its own.
MIN_CLASS_DELTA_E = 2.0


@dataclass
class ClassLegend:
    """A column of class patches found on a figure.

    Attributes
    ----------
    patches : list of tuple (col0, row0, col1, row1)
        Each patch's fill (its outline left out), whole pixels, top to bottom.
    colours : ndarray (n, 3)
        Each patch's median colour, sRGB 0-255, top to bottom.
    background : ndarray (3,)
        The colour between the patches (the legend's background), sRGB 0-255.
    """

    patches: list
    colours: np.ndarray
    background: np.ndarray
    #: The labels as read (top to bottom) and their boxes, once read.
    texts: list = field(default_factory=list)
    label_boxes: list = field(default_factory=list)
    #: The top patch is the lowest class (None until the labels were read and said so).
    low_first: bool = None
    #: Columns of patches of this size side by side in the legend, this one included (QGIS
    #: lays a legend out in several when asked), and their patches in all.
    columns: int = 1
    patches_in_all: int = 0
    #: Patches in each column, left to right, when every column was put together
    #: (:func:`_all_columns`): ``patches`` and ``colours`` then hold them all, column after
    #: column, each top to bottom (the order QGIS fills a legend's columns in). Empty for a
    #: single column, or for columns found beside it that could not be put together (not
    #: read: which order their classes run in is not known).
    column_sizes: tuple = ()

    @property
    def box(self) -> tuple:
        """The box (col0, row0, col1, row1) round every patch read, pixels."""
        return (min(p[0] for p in self.patches), min(p[1] for p in self.patches),
                max(p[2] for p in self.patches), max(p[3] for p in self.patches))

    def patch_columns(self) -> list:
        """The patches' indices, column by column (one column unless ``column_sizes``)."""
        sizes = self.column_sizes or (len(self.patches),)
        starts = np.cumsum((0,) + tuple(sizes))
        return [list(range(start, start + size)) for start, size in zip(starts, sizes)]

    @property
    def pitch(self) -> float:
        """Rows from one patch's top to the next one's in a column."""
        steps = [self.patches[b][1] - self.patches[a][1] for column in self.patch_columns()
                 for a, b in zip(column[:-1], column[1:])]
        return float(np.median(steps))


#: Pixels of the figure whose flat mask is made at a time (:func:`_flat_mask`): its int16 sums
#: and steps, some 10 bytes a pixel, a block's and not the whole figure's.
FLAT_BLOCK_PIXELS = 1 << 16


def _flat_mask(rgb, block_pixels=None):
    """Pixels whose four neighbours have their colour (within FLAT_STEP on every channel), the
    colours first averaged over 3 × 3 pixels (JPEG's noise inside a flat fill).

    Made a block of rows at a time (``block_pixels``, default FLAT_BLOCK_PIXELS), each block
    with the two rows on either side that its sums and steps reach: the sums are whole
    numbers, so each row's are those of the whole figure's, and the mask the same bit for bit.
    """
    rows, cols = rgb.shape[:2]
    flat = np.zeros((rows, cols), bool)
    step = max(1, (block_pixels or FLAT_BLOCK_PIXELS) // max(cols, 1))
    for first in range(1, rows - 1, step):
        last = min(first + step, rows - 1)
        # Rows first - 1 to last of the sums (their steps to the rows either side), from the
        # figure's rows first - 2 to last + 1 (scipy's reflection at the figure's own edges).
        top, bottom = max(first - 2, 0), min(last + 2, rows)
        flat[first:last] = _flat_rows(rgb[top:bottom], first - top, last - top)
    flat[:, [0, -1]] = False
    return flat


def _flat_rows(rgb, first, last):
    """The flat mask of rows ``first`` to ``last`` (exclusive) of a band of the figure that
    holds the two rows either side of them (but at the figure's own top and bottom)."""
    rows, cols = rgb.shape[:2]
    step_x = np.ones((last - first, cols - 1), bool)
    step_y = np.ones((last - first + 1, cols), bool)
    for channel in range(3):
        # Sums over 3 × 3 (nine times the mean): compared with nine times the step.
        image = ndimage.uniform_filter(rgb[..., channel].astype(np.int16) * 9, size=3)
        step_x &= np.abs(np.diff(image[first:last], axis=1)) <= 9 * FLAT_STEP
        step_y &= np.abs(np.diff(image[first - 1:last + 1], axis=0)) <= 9 * FLAT_STEP
    flat = np.ones((last - first, cols), bool)
    flat[:, :-1] &= step_x
    flat[:, 1:] &= step_x
    flat &= step_y[:-1]
    flat &= step_y[1:]
    return flat


def find_class_patches(rgb, dark=None) -> "ClassLegend | None":
    """The column of class patches of a legend, or None.

    Parameters
    ----------
    rgb : ndarray of uint8 (rows, cols, 3)
    dark : ndarray of bool (rows, cols), optional
        Dark ink (lines.dark_mask): a label beside each patch is looked for in it.

    Returns
    -------
    ClassLegend or None
    """
    rows, cols = rgb.shape[:2]
    labels, count = ndimage.label(_flat_mask(rgb))
    if count == 0:
        return None
    # Counted a block of rows at a time (no 8-byte copy of the labels).
    sizes = label_sizes(labels, count)[1:]
    slices = ndimage.find_objects(labels)
    boxes = np.array([(s[1].start, s[0].start, s[1].stop, s[0].stop) if s is not None
                      else (0, 0, 0, 0) for s in slices], float)
    width, height = boxes[:, 2] - boxes[:, 0], boxes[:, 3] - boxes[:, 1]
    with np.errstate(divide="ignore", invalid="ignore"):
        shaped = (height >= MIN_PATCH_PX) & (width >= MIN_PATCH_PX) & (height <= rows / 6) & \
            (width <= cols / 6) & (width >= 0.4 * height) & (width <= 8 * height)
        keep = shaped & (sizes >= MIN_FILL * height * width)
        in_column = np.flatnonzero(shaped & (sizes >= MIN_FILL_IN_COLUMN * height * width))
    index = np.flatnonzero(keep)
    if index.size < MIN_PATCHES:
        return None
    candidates = np.column_stack([boxes[index], index + 1])
    loose = np.column_stack([boxes[in_column], in_column + 1])
    legends = [legend for legend in (_as_legend(rgb, labels, _extended(column, loose), dark)
                                     for column in _columns(candidates)) if legend is not None]
    if not legends:
        return None
    best = max(legends, key=lambda legend: len(legend.patches))
    others = _patches_beside(rgb, best, candidates, dark)
    if others:
        width = best.patches[0][2] - best.patches[0][0]
        groups = _column_groups(others, 0.5 * width)
        best.columns = 1 + len(groups)
        best.patches_in_all = len(best.patches) + len(others)
        whole = _all_columns(rgb, labels, best, groups)
        if whole is not None:
            return whole
    return best


def _column_groups(boxes, gap):
    """Boxes (left, top, right, bottom, region) grouped into columns by their left edges
    (a new column where two lefts differ by more than ``gap``), left to right, each top to
    bottom."""
    boxes = sorted(boxes, key=lambda box: box[0])
    groups = [[boxes[0]]]
    for box in boxes[1:]:
        if box[0] - groups[-1][-1][0] > gap:
            groups.append([])
        groups[-1].append(box)
    return [sorted(group, key=lambda box: box[1]) for group in groups]


def _all_columns(rgb, labels, column, groups):
    """Every column of a legend laid out in several, as one legend whose patches run column
    after column (QGIS fills a legend's columns so: the first top to bottom, then the next),
    or None when the columns do not fit together as one legend's.

    ``column`` is the legend found (:func:`_as_legend`), ``groups`` the columns of flat boxes
    of its patches' size beside it (:func:`_column_groups`). Each column must be patches at
    the legend's pitch, clear of the others across, its patches' colours classes of their own
    and unlike the background; the reading of the labels checks the order (the class
    boundaries must run one way through all the patches)."""
    pitch = column.pitch
    height = column.patches[0][3] - column.patches[0][1]
    tolerance = max(2.0, 0.08 * height)
    background_lab = srgb_to_lab(np.asarray(column.background, float) / 255.0)
    columns = [(min(p[0] for p in column.patches), column.patches, list(column.colours))]
    for group in groups:
        tops = [box[1] for box in group]
        if len(group) > 1 and np.any(np.abs(np.diff(tops) - pitch) > tolerance):
            return None
        colours = [np.median(rgb[box[1]:box[3], box[0]:box[2]][
            labels[box[1]:box[3], box[0]:box[2]] == box[4]], axis=0) for box in group]
        lab = srgb_to_lab(np.asarray(colours, float) / 255.0)
        if np.min(np.linalg.norm(lab - background_lab, axis=1)) < MIN_CLASS_DELTA_E:
            return None
        patches = [_fill_edges(rgb, tuple(int(v) for v in box[:4]), colour)
                   for box, colour in zip(group, colours)]
        columns.append((min(p[0] for p in patches), patches, colours))
    columns.sort(key=lambda entry: entry[0])
    for (_, left, _), (_, right, _) in zip(columns[:-1], columns[1:]):
        if max(p[2] for p in left) >= min(p[0] for p in right):
            return None  # overlapping across: not columns side by side
    patches = [patch for _, column_patches, _ in columns for patch in column_patches]
    colours = np.array([colour for _, _, column_colours in columns
                        for colour in column_colours], float)
    lab = srgb_to_lab(colours / 255.0)
    if np.any(np.linalg.norm(np.diff(lab, axis=0), axis=1) < MIN_CLASS_DELTA_E):
        return None
    return ClassLegend(patches, colours, column.background, columns=len(columns),
                       patches_in_all=len(patches),
                       column_sizes=tuple(len(entry[1]) for entry in columns))


def _patches_beside(rgb, legend, candidates, dark):
    """Flat boxes of the legend's patch size in other columns of the same legend (QGIS lays
    a legend out in several columns when asked, a column of one or two patches too).

    A flat box of the size of the column's (within 2 px or 8 %), clear of the column across but within
    eight patch widths of it, level with it (its rows within the column's, a pitch either
    way), the legend's background on its left (:data:`BACKGROUND_DELTA_E`) and ink on its
    right (a label) when ``dark`` is given."""
    col0, row0, col1, row1 = legend.box
    # The column's own flat boxes (its patches before their edges were filled in).
    own = candidates[(candidates[:, 0] >= col0) & (candidates[:, 2] <= col1)
                     & (candidates[:, 1] >= row0) & (candidates[:, 3] <= row1)]
    if not len(own):
        return []
    width, height = np.median(own[:, 2] - own[:, 0]), np.median(own[:, 3] - own[:, 1])
    tolerance = np.maximum(2.0, 0.08 * np.array([width, height], float))
    pitch = legend.pitch
    background_lab = srgb_to_lab(np.asarray(legend.background, float) / 255.0)
    found = []
    for left, top, right, bottom, region in candidates:
        if abs((right - left) - width) > tolerance[0] or \
                abs((bottom - top) - height) > tolerance[1]:
            continue
        gap = max(left - col1, col0 - right)
        if not 0 < gap <= 8 * width or bottom < row0 - pitch or top > row1 + pitch:
            continue
        left, top, right, bottom = int(left), int(top), int(right), int(bottom)
        beside = rgb[top:bottom, max(left - int(height) // 2 - 3, 0):max(left - 3, 0)]
        if not beside.size or np.linalg.norm(srgb_to_lab(np.median(
                beside.reshape(-1, 3), axis=0) / 255.0) - background_lab) > BACKGROUND_DELTA_E:
            continue
        if dark is not None and not dark[top:bottom, right + 2:right + 3 + int(6 * height)].any():
            continue
        found.append((left, top, right, bottom, int(region)))
    return found


def _columns(candidates):
    """Runs of equal boxes, left edges aligned, stacked at one pitch (top to bottom).

    ``candidates``: rows (left, top, right, bottom, region label), pixels."""
    order = np.lexsort((candidates[:, 1], candidates[:, 0]))
    candidates = candidates[order]
    lefts = candidates[:, 0]
    used = set()
    for first in candidates[np.argsort(candidates[:, 1], kind="stable")]:
        if first[4] in used:
            continue
        left, top, right, bottom = first[:4]
        height = bottom - top
        tolerance = max(2.0, 0.08 * height)
        lo, hi = np.searchsorted(lefts, [left - tolerance, left + tolerance + 1e-9])
        near = candidates[lo:hi]
        same = near[(near[:, 1] > top) & (np.abs(near[:, 2] - right) <= tolerance)
                    & (np.abs((near[:, 3] - near[:, 1]) - height) <= tolerance)]
        if not len(same):
            continue
        same = same[np.argsort(same[:, 1], kind="stable")]
        pitch = same[0][1] - top
        if pitch <= height or pitch > 3 * height + 4 * tolerance:
            continue
        column = [first]
        for box in same:
            expected = column[-1][1] + pitch
            if abs(box[1] - expected) <= tolerance:
                column.append(box)
            elif box[1] > expected + tolerance:
                break
        if len(column) >= MIN_PATCHES:
            used.update(float(box[4]) for box in column)
            yield [tuple(int(v) for v in box) for box in column]


def _extended(column, loose):
    """A column of patches (:func:`_columns`) extended up and down over the boxes of ``loose``
    (flat regions filling :data:`MIN_FILL_IN_COLUMN` of their box) one pitch beyond its ends,
    of its patches' size and with its left and right edges, for as long as there are such."""
    pitch = (column[-1][1] - column[0][1]) / (len(column) - 1)
    # The column's edges and height by its median patch: a first patch as dark as its
    # outline is that much wider (see ``at``).
    left = float(np.median([box[0] for box in column]))
    right = float(np.median([box[2] for box in column]))
    height = float(np.median([box[3] - box[1] for box in column]))
    tolerance = max(2.0, 0.08 * height)
    column, ids = list(column), {box[4] for box in column}

    def at(top):
        bottom = top + height
        for box in loose:
            if box[4] in ids:
                continue
            if abs(box[1] - top) <= tolerance and abs(box[0] - left) <= tolerance and \
                    abs(box[2] - right) <= tolerance and \
                    abs((box[3] - box[1]) - height) <= tolerance:
                return tuple(int(v) for v in box)
            # A patch as dark as its outline (Inferno's black end in QGIS's dark grey
            # outline): fill and outline are one flat region, the patch's box grown by the
            # outline on every side; its fill is the column's box there.
            grown = (left - box[0], top - box[1], box[2] - right, box[3] - bottom)
            if all(-tolerance <= g <= tolerance + OUTLINE_PX for g in grown):
                return (int(max(box[0], left)), int(round(max(box[1], top))),
                        int(min(box[2], right)), int(round(min(box[3], bottom))), int(box[4]))
        return None

    for end, step in ((0, -pitch), (-1, pitch)):
        while (box := at(column[end][1] + step)) is not None:
            ids.add(box[4])
            column.insert(len(column) if end else 0, box)
    return column


def _as_legend(rgb, labels, column, dark):
    """A column of boxes as a legend of classes, when it is one (see the module's docstring)."""
    colours = np.array([np.median(rgb[box[1]:box[3], box[0]:box[2]][
        labels[box[1]:box[3], box[0]:box[2]] == box[4]], axis=0) for box in column])
    lab = srgb_to_lab(colours / 255.0)
    if np.any(np.linalg.norm(np.diff(lab, axis=0), axis=1) < MIN_CLASS_DELTA_E):
        return None
    # The gaps between patches (their outlines left out) are one background colour.
    gaps = []
    for upper, lower in zip(column[:-1], column[1:]):
        r0, r1 = upper[3], lower[1]
        c0, c1 = max(upper[0], lower[0]), min(upper[2], lower[2])
        rows = slice(r0 + (r1 - r0) // 3, r1 - (r1 - r0) // 3 if r1 - r0 >= 3 else r1)
        gap = rgb[rows, c0 + (c1 - c0) // 4:c1 - (c1 - c0) // 4]
        if gap.size == 0:
            return None
        gaps.append(np.median(gap.reshape(-1, 3), axis=0))
    gaps = np.array(gaps)
    background = np.median(gaps, axis=0)
    background_lab = srgb_to_lab(background / 255.0)
    if np.any(np.linalg.norm(srgb_to_lab(gaps / 255.0) - background_lab, axis=1) >
              BACKGROUND_DELTA_E):
        return None
    if np.min(np.linalg.norm(lab - background_lab, axis=1)) < MIN_CLASS_DELTA_E and \
            len(column) < MIN_PATCHES + 1:
        return None
    # Left of the column, the background too (a legend's margin, not more map).
    left = min(box[0] for box in column)
    top, bottom = column[0][1], column[-1][3]
    height = column[0][3] - column[0][1]
    beside = rgb[top:bottom, max(left - height // 2 - 3, 0):max(left - 3, 0)]
    if beside.size and np.linalg.norm(srgb_to_lab(np.median(beside.reshape(-1, 3), axis=0)
                                                  / 255.0) - background_lab) > BACKGROUND_DELTA_E:
        return None
    if dark is not None:
        # Ink to the right of every patch: its label.
        right = max(box[2] for box in column)
        reach = right + 3 + 6 * height
        for box in column:
            ink = dark[box[1]:box[3], right + 2:min(reach, dark.shape[1])]
            if not ink.any():
                return None
    patches = [_fill_edges(rgb, box[:4], colour) for box, colour in zip(column, colours)]
    return ClassLegend(patches, colours, background)


#: ΔE*ab at most between a line of pixels beside a patch and its colour for the line to be
#: the patch's fill (blurred by JPEG or anti-aliasing at its edge).
FILL_EDGE_DELTA_E = 12.0


def _fill_edges(rgb, box, colour, reach=4):
    """A patch's box grown side by side over the lines of pixels still of its colour: the
    flat region's averaging, anti-aliasing and JPEG's blur took a pixel or two off its fill."""
    col0, row0, col1, row1 = (int(v) for v in box)
    target = srgb_to_lab(np.asarray(colour, float) / 255.0)
    rows, cols = rgb.shape[:2]

    def fill(line):
        return line.size and np.median(np.linalg.norm(
            srgb_to_lab(line.reshape(-1, 3) / 255.0) - target, axis=1)) < FILL_EDGE_DELTA_E

    for _ in range(reach):
        if col0 > 0 and fill(rgb[row0:row1, col0 - 1]):
            col0 -= 1
        else:
            break
    for _ in range(reach):
        if col1 < cols and fill(rgb[row0:row1, col1]):
            col1 += 1
        else:
            break
    for _ in range(reach):
        if row0 > 0 and fill(rgb[row0 - 1, col0:col1]):
            row0 -= 1
        else:
            break
    for _ in range(reach):
        if row1 < rows and fill(rgb[row1, col0:col1]):
            row1 += 1
        else:
            break
    return (col0, row0, col1, row1)


#: A number as a class label writes it: a sign or its look-alikes, digits with thousands
#: separators, decimals.
_NUMBER = r"[-−–+]?\d[\d,  ]*(?:\.\d+)?"
_OPERATOR = r"(<=|>=|≤|≥|<|>)"
_RANGE = re.compile(rf"^({_NUMBER})\s*(?:-|−|–|—|to)\s*({_NUMBER})$")
_BOUND = re.compile(rf"^{_OPERATOR}\s*({_NUMBER})$")
_VALUE = re.compile(rf"^({_NUMBER})$")
_INFINITY = re.compile(r"^[+]?(inf|infinity|∞)$", re.IGNORECASE)


@dataclass
class ClassLabel:
    """One class label parsed: its kind and the values it names.

    ``kind`` is "range" (low, high), "below" (high: '<= 200'), "above" (low: '> 3000'),
    "value" (a single number) or "infinity" ('inf').
    """

    text: str
    kind: str
    low: float = None
    high: float = None


def _number(text):
    text = text.replace("−", "-").replace("–", "-").replace(" ", "").replace(" ", "")
    if "," in text and "." not in text and not re.fullmatch(r"-?\d{1,3}(,\d{3})+", text):
        return None  # a comma that is no thousands separator: not read safely
    return float(text.replace(",", ""))


def parse_class_label(text, suffix="") -> "ClassLabel | None":
    """A class label ('0 - 500', '<= 200', '> 3000', '1200', 'inf') parsed, or None.

    Parameters
    ----------
    text : str
        As read.
    suffix : str
        A unit the labels share (' m'), removed first.
    """
    clean = " ".join(text.split())
    if suffix and clean.endswith(suffix):
        clean = clean[:-len(suffix)].strip()
    if _INFINITY.match(clean):
        return ClassLabel(text, "infinity")
    match = _BOUND.match(clean)
    if match:
        value = _number(match.group(2))
        if value is None:
            return None
        return ClassLabel(text, "below" if match.group(1) in ("<", "<=", "≤") else "above",
                          high=value if match.group(1) in ("<", "<=", "≤") else None,
                          low=value if match.group(1) in (">", ">=", "≥") else None)
    match = _RANGE.match(clean)
    if match:
        low, high = _number(match.group(1)), _number(match.group(2))
        if low is None or high is None:
            return None
        return ClassLabel(text, "range", low=low, high=high)
    match = _VALUE.match(clean)
    if match:
        value = _number(match.group(1))
        return None if value is None else ClassLabel(text, "value", low=value, high=value)
    return None


def label_boxes(legend, text_labels) -> list:
    """Each patch's label box (col0, row0, col1, row1), or None where none was found.

    The pieces of text (:class:`.text.TextLabel`) to the right of a patch whose middles lie
    in its band (the patch and half the gaps either side), joined from the patch rightwards
    while they stand closer than their height ('0 - 500' is three pieces).
    """
    boxes = [None] * len(legend.patches)
    pitch = legend.pitch
    columns = legend.patch_columns()
    for number, column in enumerate(columns):
        right = max(legend.patches[index][2] for index in column)
        # A label ends before the next column's patches (QGIS's columns side by side).
        limit = min((legend.patches[index][0] for index in columns[number + 1]),
                    default=np.inf) if number + 1 < len(columns) else np.inf
        for index in column:
            top, bottom = legend.patches[index][1], legend.patches[index][3]
            half_gap = 0.5 * (pitch - (bottom - top))
            pieces = sorted((label for label in text_labels
                             if top - half_gap <= label.centre[1] <= bottom + half_gap
                             and right + 1 <= label.col0 and label.col1 <= limit),
                            key=lambda label: label.col0)
            if not pieces or pieces[0].col0 > right + 2 * pitch:
                continue
            joined = list(pieces[0].box())
            for piece in pieces[1:]:
                if piece.col0 - joined[2] > max(joined[3] - joined[1], piece.height):
                    break
                joined = [min(joined[0], piece.col0), min(joined[1], piece.row0),
                          max(joined[2], piece.col1), max(joined[3], piece.row1)]
            boxes[index] = tuple(joined)
    return boxes


def class_boundaries(texts) -> tuple:
    """Class boundaries from the labels of a legend's patches, in the patches' order.

    Parameters
    ----------
    texts : list of str
        The labels as read, one a patch, top to bottom.

    Returns
    -------
    levels : tuple of float
        Increasing boundaries, one more than the classes; an open end class ('<= 200',
        '> 3000', QGIS's lowest discrete class) is closed a neighbouring class's width away.
    low_first : bool
        The first patch (the top one) is the lowest class.
    notes : list of str
        What was assumed (open end classes closed), for the log ("lowest class (up to 250)
        is open: ...").

    Raises
    ------
    ValueError
        With what does not hold: a label not read as a class, boundaries out of order or
        disagreeing, plain values with nothing saying which end of its class each names.
    """
    parsed = []
    for text in texts:
        label = parse_class_label(text)
        if label is None:
            label = _with_shared_suffix(text, texts)
        if label is None:
            raise ValueError(f"the label '{text}' is not read as a class ('0 - 500', '<= 200', "
                             "'> 3000', '1200' with 'inf')")
        parsed.append(label)
    kinds = [label.kind for label in parsed]
    if "infinity" in kinds:
        # QGIS's discrete classes: each labelled with its upper bound, the last 'inf'.
        if kinds.count("infinity") != 1 or kinds[0] != "infinity" and kinds[-1] != "infinity":
            raise ValueError("'inf' labels a class that is not at an end of the legend")
        low_first = kinds[-1] == "infinity"
        ordered = parsed if low_first else parsed[::-1]
        if any(label.kind != "value" for label in ordered[:-1]):
            raise ValueError("labels of upper bounds ('1200') mixed with other kinds")
        bounds = [label.high for label in ordered[:-1]]
        return _closed(bounds, True, True, low_first)
    if all(kind == "value" for kind in kinds):
        raise ValueError("the labels are plain values, with nothing saying whether each is its "
                         "class's lower or upper bound or its value")
    # Ranges, with a '<=' class at the low end and a '>' class at the high end.
    low_first = _low_first(parsed)
    ordered = parsed if low_first else parsed[::-1]
    bounds, open_low, open_high = [], False, False
    for position, label in enumerate(ordered):
        if label.kind == "below":
            if position != 0:
                raise ValueError(f"'{label.text}' is not the lowest class")
            open_low = True
            bounds.append(label.high)
        elif label.kind == "above":
            if position != len(ordered) - 1:
                raise ValueError(f"'{label.text}' is not the highest class")
            open_high = True
            if not bounds or abs(bounds[-1] - label.low) > 1e-9 * max(1.0, abs(label.low)):
                raise ValueError(f"'{label.text}' does not start where the class before ends")
        elif label.kind == "range":
            if not bounds:
                bounds.append(label.low)
            elif abs(bounds[-1] - label.low) > 1e-6 * max(1.0, abs(label.low)):
                raise ValueError(f"the class '{label.text}' does not start where the class "
                                 f"before ends ({bounds[-1]:g})")
            bounds.append(label.high)
        else:
            raise ValueError(f"the label '{label.text}' is a plain value among ranges")
    return _closed(bounds, open_low, open_high, low_first)


def _with_shared_suffix(text, texts):
    """The label parsed without a unit every label ends with (' m', '%')."""
    words = [t.split()[-1] for t in texts if t.split()]
    last = text.split()[-1] if text.split() else ""
    if last and not any(c.isdigit() for c in last) and words.count(last) >= 0.5 * len(texts):
        return parse_class_label(text[:text.rstrip().rfind(last)].strip())
    suffix = re.search(r"[^\d\s.]+$", text.strip())
    if suffix and sum(t.strip().endswith(suffix.group()) for t in texts) >= 0.5 * len(texts):
        return parse_class_label(text.strip()[:-len(suffix.group())].strip())
    return None


def _low_first(parsed):
    """Whether the first label is the lowest class (ranges, bounds: by their values)."""
    firsts = [label.low if label.low is not None else label.high for label in parsed]
    return bool(firsts[-1] > firsts[0])


def _closed(bounds, open_low, open_high, low_first):
    """Boundaries with open end classes closed a neighbouring class's width away."""
    bounds = [float(b) for b in bounds]
    if len(bounds) < 2 and open_low + open_high + len(bounds) < 3:
        raise ValueError("too few class boundaries were read")
    if np.any(np.diff(bounds) <= 0):
        raise ValueError("the class boundaries read do not increase along the legend: "
                         + ", ".join(f"{b:g}" for b in bounds))
    notes = []
    if open_low:
        width = bounds[1] - bounds[0]
        notes.append(f"lowest class (up to {bounds[0]:g}) is open: closed at "
                     f"{bounds[0] - width:g}, a class as wide as the next one")
        bounds.insert(0, bounds[0] - width)
    if open_high:
        width = bounds[-1] - bounds[-2]
        notes.append(f"highest class (above {bounds[-1]:g}) is open: closed at "
                     f"{bounds[-1] + width:g}, a class as wide as the one below")
        bounds.append(bounds[-1] + width)
    return tuple(bounds), low_first, notes


def uneven_classes(levels) -> str:
    """A warning when the classes read are not of one width (a misread boundary, or a
    classification by quantiles), else ''."""
    widths = np.diff(np.asarray(levels, float))
    if widths.size < 2 or np.all(np.abs(widths - np.median(widths)) <= 1e-6 * np.abs(widths).max()):
        return ""
    return ("The legend's classes are not of one width (" + ", ".join(f"{w:g}" for w in widths)
            + "): a boundary may have been misread. Check LEVELS against the legend.")
