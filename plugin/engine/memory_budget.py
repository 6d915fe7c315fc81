"""How much memory a decoding job will need, and whether this machine has it.

A job is refused *before* any pixel is read when its estimated peak exceeds the memory it may
use: a figure of 170 kB can hold 13,000 × 13,000 palette pixels, and a mistyped PIXEL_SIZE can
ask for a 400-megapixel raster. Either would run for minutes and then be killed by the system,
taking QGIS with it.

The estimate follows the job stage by stage (reading, decoding, reducing, warping, writing),
adding what each stage holds at its peak: the arrays the job keeps plus the stage's
temporaries, in bytes per figure pixel, per output pixel and per flat pixel. The coefficients
are the engine's own array sizes (``np.float32`` values: 4 bytes a pixel, and so on), checked
against the measured peak resident memory of whole jobs by ``bench/memory_per_pixel.py``; the
estimate stays above every measurement there (see ``bench/README.md``).

The memory the job may use is the smallest of: a quarter of the machine's memory (at least
4 GiB: QGIS and the desktop must keep running), the kernel's ``MemAvailable``, the room left
under a cgroup (container) limit, the room left under the process's address-space and data
limits (``ulimit -v``/``-d``), and the environment variable
``COLORMAP_DECODER_MAX_MEMORY`` (e.g. ``8G``, ``8000M`` or a number of bytes), which, when set,
is used instead of the automatic figure.
"""
import math
import os
from dataclasses import dataclass, field

from .errors import EngineError

#: Environment variable that sets the memory a job may use (bytes, or with K/M/G/T suffixes).
MAX_MEMORY_VARIABLE = "COLORMAP_DECODER_MAX_MEMORY"

# -- bytes per pixel, from the engine's arrays (see the stage functions below) -------------
#: What the job keeps of the figure: sRGB (3 bytes) and the opaque mask (1 byte).
KEPT_FIGURE = 4
#: Pillow's decoded image per pixel, by mode (Pillow stores RGB pixels in 4 bytes).
PIL_BYTES = {"1": 1, "L": 1, "P": 1, "PA": 2, "LA": 2, "La": 2, "RGB": 4, "RGBA": 4, "RGBa": 4,
             "RGBX": 4, "CMYK": 4, "YCbCr": 4, "LAB": 4, "HSV": 4, "I": 4, "F": 4,
             "I;16": 2, "I;16B": 2, "I;16L": 2}
#: Per figure pixel, the reduction beyond what the job keeps: the flat mask (1 byte), the
#: labels (int32), and the pixels of clusters holding several values, gathered as int32
#: label and float32 value and sorted (int64 order) for their medians.
REDUCTION_PIXEL = 1 + 4 + 16
#: ... and the grid DBSCAN (eps >= 2 or min_samples >= 3): its core components beside the
#: labels (int32) and the boundary cores' coordinates.
GRID_DBSCAN_PIXEL = 4 + 4
#: Per decoded pixel, the decoder's tables indexed by 24-bit colour (a colour-seen flag, then
#: each colour's place): only their pages of colours present are resident, and the decoder
#: keeps them within this (``colour_decoding.LOOKUP_TABLE_PIXEL_BYTES``), or sorts each block's
#: colours instead in ``LOOKUP_SORT_BYTES``.
LOOKUP_TABLE_PIXEL = 3
LOOKUP_SORT_BYTES = 2 * 26 * 2 ** 18
#: While decoding, the matching of the figure's distinct colours on the scale: about 1.3 KiB
#: each, in blocks of ``colour_decoding.COLOUR_BLOCK`` (16,384) colours; measured on the sample
#: as a JPEG, whose noise makes some hundred thousand.
COLOUR_MATCHING = 16_384 * 1536
#: While decoding, each of two threads' block of a million pixels: its 24-bit codes, the
#: colours' places and one output's entries (4 bytes each).
DECODE_BLOCK_PIXELS = 2 * 1_000_000
DECODE_BLOCK_BYTES = 4 + 4 + 4
#: Per figure pixel, the search for a native grid of cells (NATIVE_GRID automatic): the
#: decoded-pixel mask it is given (1 byte) and the plot area's luma (float32); and, whatever the
#: size, its blocks of 2 million pixels' luma steps, the noise sample and the uniformity check's
#: half a million pixels. Measured (bench/bench_native.py, tracemalloc peak of find_lattice):
#: +9, +24, +54 and +94 MiB at 1, 4, 12 and 25 MP, which 7 bytes a pixel plus 8 MiB exceed by
#: a quarter to a half (with the mask), and still do where the plot area fills the figure.
LATTICE_SEARCH_PIXEL = 7
LATTICE_SEARCH_FIXED = 8 * 2 ** 20
#: Per figure pixel, a JPEG's cells read through its 8 × 8 blocks (``jpeg_cells``, a noisy
#: lattice on a continuous scale) beside what the job keeps: the decoder's Y'CbCr read again
#: from the file (3 bytes; Pillow's 4-byte image of it while read), the data and in-cells
#: masks, and the luma's blocks (float32 values and observed flags); and, whatever the size,
#: the blocks' least squares in chunks and the colours' matching. Measured on a 4 MP JPEG of
#: 16 px cells (bench/memory_per_pixel.py --jpeg-quality 80): the stage's peak 96 MiB above
#: the imports, 12 bytes a pixel and 24 MiB beside the job's 8 bytes a pixel.
JPEG_CELLS_PIXEL = 12
JPEG_CELLS_FIXED = 24 * 2 ** 20
#: Per decoded pixel, the rebuilt field of OUTPUT_RECONSTRUCTION (float32: computed where read,
#: ``reduction.RebuiltField``, but whole while GDAL's warper reads it) and what the
#: points' triangulation leaves (Qhull's ~600 bytes a point, one point per some hundred
#: pixels on a figure of small cells; handed back, see :func:`release_freed_memory`).
RECONSTRUCTION_PIXEL = 8
#: ... and one interpolation block (2**17 pixels, ~200 bytes each) with the statistics'
#: sample. Measured on a 36 MP figure of 16 px cells (140,000 points): the rebuilt field and
#: 115 MiB beside it, against 137 + 32 MiB here.
RECONSTRUCTION_CHUNK = 32 * 2 ** 20
#: Per figure pixel, reading the figure's own face (``detection/``: frame, colorbar, labels)
#: beside the figure: the luma (float32) and its float32 RGB temporary, the dark, edge and
#: ink masks, the glyphs' labels (int32), the colorbar's samples; measured (tracemalloc) 17 B
#: at 1 and 12 MP, 20–25 B on the 0.5 MP sample, where the fixed costs weigh more
#: (tests/engine/test_detection_memory.py keeps the estimate above).
DETECTION_PIXEL = 28
#: ... and ``detectfigure``'s report: the figure with the findings drawn (RGBA) and its PNG;
#: measured 5 B at 12 MP, 10 B on the sample.
DETECTION_REPORT_PIXEL = 12
#: Per output pixel and warped band: the output (float32; the class index int16,
#: CLASS_BAND) and, while writing, what GDAL's writing leaves allocated (its block cache is
#: held at ``writing.WRITE_CACHE_BYTES``, in FIXED_OVERHEAD; the tiles it compressed in its
#: threads' heaps stay resident, about a band's worth), measured.
OUTPUT_BAND = 4
CLASS_BAND = 2
WRITE_TEMPORARIES = 1 + 4 + 4
#: Per output pixel of one warping chunk (512 rows): source coordinates (2 × float64), their
#: floors, the inside mask, gathered indices (2 × intp) and the approximation's temporaries.
WARP_CHUNK_PIXEL = 128
WARP_CHUNK_ROWS = 512
#: GDAL's warper: its working buffers (``warping.WARP_MEMORY_LIMIT``) and their overhead.
GDAL_WARP_BUFFERS = 32 * 2 ** 20
#: GDAL's block cache while writing (``writing.WRITE_CACHE_BYTES``), at most the raster.
WRITE_CACHE = 64 * 2 ** 20
#: Fixed costs beyond the imported packages and the stages' own: what the job imports
#: (pyproj's database, GDAL's drivers: 8 MiB of its library read in), the thin plate spline's
#: systems, the colour study's sample of 200,000 pixels (about 10 MiB of temporaries); measured
#: on the 0.5 MP sample's job, ~55 MiB beyond its arrays at its peak with the colour matching
#: below, before the study's and the decoding's temporaries were bounded by the figure.
FIXED_OVERHEAD = 48 * 2 ** 20
#: The HTML report (OUTPUT_REPORT), written after the job beside its results: its pictures of
#: 760 px drawn with Pillow, their 8-bit colours and PNGs, the font (matplotlib's import and
#: canvases, some 40 MiB, are no longer part of it: measured, writing the report of a 4 MP job
#: of every option left its peak where it was, +2 MiB resident) ...
REPORT_FIXED = 24 * 2 ** 20
#: The report's bytes a GCP (its rows, residual arrows and JSON records, built as Python
#: objects then text): measured 3.5 KB (200,000 GCPs raised the peak from 436 to 1,129 MiB,
#: the JSON 110 MB). A GCP file of at most 8 MiB holds up to a million GCPs.
REPORT_GCP_BYTES = 5 * 1024
#: ... and, per pixel of its pictures of the figure (every step-th pixel, at most
#: ``report.PICTURE_MAX_SIDE`` = 3000 px a side, drawn with Pillow one after the other): the
#: picture's array and Pillow's image (3 + 4 bytes) and the PNG (measured 7.2 B on a 9 MP
#: picture of noise, which compresses worst).
REPORT_PICTURE_PIXEL = 12
REPORT_PICTURE_MAX_PIXELS = 3000 * 3000
#: ``detectfigure``'s fixed costs (its report's drawing, the OCR engine).
DETECTION_FIXED = 128 * 2 ** 20
#: A job takes at most a quarter of the machine's memory by default, and never less than
#: this: QGIS, its other layers and the desktop must keep running beside it.
DEFAULT_JOB_MEMORY_FLOOR = 4 * 2 ** 30
#: Margin for allocator slack and what the stage sums leave out.
SAFETY_FACTOR = 1.2


@dataclass
class JobSize:
    """What decides a job's memory: the figure, the part decoded, the output grid, the options.

    Attributes
    ----------
    figure_pixels : int
        Rows × columns of the figure.
    figure_mode : str
        Pillow's mode of the file ("RGB", "RGBA", "P", "CMYK", ...).
    has_alpha : bool
        Whether the figure has transparency (read through an RGBA copy).
    decoded_pixels : int
        Pixels of the plot area's bounding box: the most that can be decoded and be flat.
    output_width, output_height : int
        The output grid.
    distance_output, reconstruction_output, denoise, discrete, logarithmic : bool
    grid_dbscan : bool
        True when the reduction runs the grid DBSCAN (``DBSCAN_EPS`` >= 2 or
        ``DBSCAN_MIN_SAMPLES`` >= 3) rather than labelling connected plateaus.
    own_warp : bool
        True when the engine warps with its own row blocks (thin plate spline, projective);
        False when GDAL's warper does it or the figure's own pixel grid is written.
    own_grid : bool
        True when the output grid is the plot area's own pixels (``OutputGrid.figure_box``):
        nothing is resampled, the outputs are views of the figure-frame rasters.
    native_grid : bool
        True when a native grid of cells is searched for (NATIVE_GRID automatic).
    detection : bool
        True when the figure's face is read (frame, colorbar, tick labels: ``detection/``).
    decode : bool
        False for ``detectfigure``: the figure is read and detected, nothing decoded, warped or
        written but the findings' report.
    report : bool
        True when the HTML report (OUTPUT_REPORT) is written after the job.
    jpeg : bool
        True for a JPEG figure: a native grid's cells are then read through its blocks.
    gcps : int
        GCPs of the GCP file (each a row and a record of the report).
    """

    figure_pixels: int
    figure_mode: str = "RGBA"
    has_alpha: bool = True
    decoded_pixels: int = 0
    output_width: int = 0
    output_height: int = 0
    distance_output: bool = False
    reconstruction_output: bool = False
    denoise: bool = False
    discrete: bool = False
    logarithmic: bool = False
    grid_dbscan: bool = False
    native_grid: bool = True
    own_warp: bool = True
    own_grid: bool = False
    detection: bool = False
    decode: bool = True
    report: bool = False
    jpeg: bool = False
    gcps: int = 0

    @property
    def output_pixels(self) -> int:
        return self.output_width * self.output_height


@dataclass
class MemoryEstimate:
    """A job's estimated peak memory.

    Attributes
    ----------
    total : int
        Bytes at the job's peak, margin included.
    stages : dict of str to int
        Bytes each stage holds at its own peak (no margin).
    parts : dict of str to int
        The peak stage's bytes split by cause: "figure", "output grid",
        "reconstruction", "distance", "fixed".
    """

    total: int
    stages: dict = field(default_factory=dict)
    parts: dict = field(default_factory=dict)

    @property
    def peak_stage(self) -> str:
        return max(self.stages, key=self.stages.get)


def estimate_job_bytes(size) -> "MemoryEstimate":
    """Estimate the peak memory of a job of the given size.

    Parameters
    ----------
    size : JobSize

    Returns
    -------
    MemoryEstimate
        Bytes; the peak over the stages, times :data:`SAFETY_FACTOR`, plus
        :data:`FIXED_OVERHEAD`.
    """
    figure = size.figure_pixels
    # Pillow's decoded image and the figure, copied out of it in strips of rows.
    read = figure * (PIL_BYTES.get(size.figure_mode, 4) + KEPT_FIGURE)
    detection = figure * (KEPT_FIGURE + DETECTION_PIXEL) if size.detection else 0
    if not size.decode:
        stages = {"reading": read, "detection": detection,
                  "report": figure * (KEPT_FIGURE + 1 + DETECTION_REPORT_PIXEL)}
        peak = max(stages, key=stages.get)
        return MemoryEstimate(int(stages[peak] * SAFETY_FACTOR + DETECTION_FIXED), stages,
                              {"figure": stages[peak], "fixed": DETECTION_FIXED})
    decoded = min(size.decoded_pixels or figure, figure)
    output = size.output_pixels
    # Arrays in the figure's frame kept from decoding to the end: the figure, values
    # (float32), and on request the distance (float32) and the class index (int16).
    kept = KEPT_FIGURE + 4 + 4 * size.distance_output + 2 * size.discrete
    # Decoding: the examined and matched masks, the examined mask's box-mask temporaries and
    # the denoised copy of the figure, all let go once decoded.
    decode = (figure * (kept + 1 + 1 + 2 + 3 * size.denoise)
              + max(decoded * LOOKUP_TABLE_PIXEL, LOOKUP_SORT_BYTES)
              + min(decoded, DECODE_BLOCK_PIXELS) * DECODE_BLOCK_BYTES + COLOUR_MATCHING)
    lattice = (figure * (kept + LATTICE_SEARCH_PIXEL) + LATTICE_SEARCH_FIXED
               if size.native_grid else 0)
    jpeg_cells = (figure * (kept + JPEG_CELLS_PIXEL) + JPEG_CELLS_FIXED
                  if size.native_grid and size.jpeg else 0)
    # Reducing: the flat mask, labels and gathered values; then, once they are let go, the
    # rebuilt field and one interpolation block.
    dbscan = decoded * GRID_DBSCAN_PIXEL if size.grid_dbscan else 0
    reconstruction = (decoded * RECONSTRUCTION_PIXEL + RECONSTRUCTION_CHUNK
                      if size.reconstruction_output else 0)
    reduce = figure * kept + max(decoded * REDUCTION_PIXEL + dbscan, reconstruction)
    rebuilt = decoded * OUTPUT_BAND * size.reconstruction_output

    # Warping: every output band, beside the rebuilt field (warped first, then let go) and
    # a native grid's float32 copy of the class index; on the plot area's own pixel grid the
    # outputs are views of the figure-frame rasters and nothing is made. The engine's own
    # warp adds a chunk of coordinates, GDAL's warper its working buffers (it reads the
    # rasters where they lie).
    warped_bytes = (OUTPUT_BAND * (1 + size.distance_output + size.reconstruction_output)
                    + CLASS_BAND * size.discrete)
    native_classes = figure * 4 * (size.discrete and size.native_grid)
    if size.own_grid:
        outputs, chunk = 0, 0
    elif size.own_warp:
        outputs = output * warped_bytes
        chunk = min(output, WARP_CHUNK_ROWS * max(size.output_width, 1)) * WARP_CHUNK_PIXEL
    else:
        outputs, chunk = output * warped_bytes, GDAL_WARP_BUFFERS
    warp = figure * kept + native_classes + rebuilt + outputs + chunk
    # Writing and the report (in the Processing algorithm): the job's result, figure-frame
    # values, distance and class index included (on the own grid the rebuilt field too, which
    # its output is a view of), plus one band's temporaries.
    write = (figure * kept + (rebuilt if size.own_grid else outputs)
             + output * WRITE_TEMPORARIES + min(WRITE_CACHE, output * warped_bytes))

    # The report, after the rasters are written: the job's result and its pictures.
    report_own = (REPORT_FIXED + min(figure, REPORT_PICTURE_MAX_PIXELS) * REPORT_PICTURE_PIXEL
                  + size.gcps * REPORT_GCP_BYTES if size.report else 0)
    report = (figure * kept + (rebuilt if size.own_grid else outputs) + report_own
              if size.report else 0)

    stages = {"reading": read, "detection": detection, "decoding": decode, "native grid search": lattice,
              "reading JPEG cells": jpeg_cells, "reducing": reduce, "warping": warp, "writing": write,
              "report": report}
    peak = max(stages, key=stages.get)
    fixed = FIXED_OVERHEAD
    parts = {"figure": stages[peak], "fixed": fixed}
    if peak == "reducing" and reconstruction > decoded * REDUCTION_PIXEL + dbscan:
        parts = {"figure": reduce - reconstruction, "reconstruction": reconstruction,
                 "fixed": fixed}
    elif peak == "report":
        parts = {"figure": figure * kept, "output grid": report - figure * kept - report_own,
                 "report": report_own, "fixed": fixed}
    elif peak in ("warping", "writing"):
        out = stages[peak] - figure * kept - (rebuilt if peak == "warping" or size.own_grid
                                             else 0) - native_classes * (peak == "warping")
        parts = {"figure": stages[peak] - out, "output grid": out, "fixed": fixed}
    total = int(stages[peak] * SAFETY_FACTOR + fixed)
    return MemoryEstimate(total, stages, parts)


# -- what the machine can give ----------------------------------------------------------------
def parse_memory_size(text) -> int | None:
    """Bytes from '8G', '512 MiB', '4e9' or '123456'; None when not a positive size.

    Parameters
    ----------
    text : str

    Returns
    -------
    int or None
    """
    cleaned = text.strip().replace("_", "").replace(",", "").lower().rstrip("b").rstrip("i")
    factor = 1
    for suffix, power in (("k", 1), ("m", 2), ("g", 3), ("t", 4)):
        if cleaned.endswith(suffix):
            cleaned, factor = cleaned[:-1].strip(), 1024 ** power
            break
    try:
        value = float(cleaned) * factor
    except ValueError:
        return None
    if not math.isfinite(value) or value <= 0:
        return None
    return int(value)


def available_memory() -> tuple:
    """The memory a job may use, and where that figure comes from.

    Returns
    -------
    bytes : int or None
        None when nothing could be measured (then no job is refused).
    source : str
        E.g. "MemAvailable in /proc/meminfo" or "COLORMAP_DECODER_MAX_MEMORY".

    Raises
    ------
    EngineError
        When ``COLORMAP_DECODER_MAX_MEMORY`` is set but is not a size.
    """
    text = os.environ.get(MAX_MEMORY_VARIABLE, "").strip()
    if text:
        value = parse_memory_size(text)
        if value is None:
            raise EngineError(
                f"The environment variable {MAX_MEMORY_VARIABLE}={text!r} is not a memory size. "
                "Set it to e.g. 8G or 8000M, or unset it to use the memory the system reports.",
                parameter="INPUT")
        return value, MAX_MEMORY_VARIABLE
    total = _meminfo("MemTotal:")
    default = max(DEFAULT_JOB_MEMORY_FLOOR, total // 4) if total else None
    candidates = [(default, "by default a job takes at most a quarter of the machine's memory "
                            f"(at least {DEFAULT_JOB_MEMORY_FLOOR // 2 ** 30} GiB), so that QGIS "
                            "and the desktop keep running"),
                  (_meminfo("MemAvailable:"), "the memory available (MemAvailable in /proc/meminfo)"),
                  (_cgroup_room(), "the room left under this process's cgroup memory limit"),
                  (_rlimit_room(), "the room left under this process's memory limit (ulimit)")]
    known = [(value, source) for value, source in candidates if value is not None]
    if not known:
        return None, "unknown"
    return min(known)


def job_room_unchanged_by(nbytes) -> bool:
    """Whether taking ``nbytes`` more now leaves :func:`available_memory` as it is.

    True when the memory a job may use is a fixed figure (``COLORMAP_DECODER_MAX_MEMORY``, or
    a quarter of the machine's memory) that the memory available, the cgroup's room and the
    ulimit's room all exceed by ``nbytes`` or more: taking them cannot decide whether a job is
    refused. ``figure.read_ahead`` reads a figure before the job's memory check only then.
    """
    text = os.environ.get(MAX_MEMORY_VARIABLE, "").strip()
    if text:
        return parse_memory_size(text) is not None
    total = _meminfo("MemTotal:")
    if not total:
        return False
    fixed = max(DEFAULT_JOB_MEMORY_FLOOR, total // 4)
    rooms = [_meminfo("MemAvailable:"), _cgroup_room(), _rlimit_room()]
    return all(room is None or room - nbytes >= fixed for room in rooms)


def _meminfo(key):
    try:
        with open("/proc/meminfo", encoding="ascii") as handle:
            for line in handle:
                if line.startswith(key):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        return None
    return None


def _read_number(path):
    try:
        with open(path, encoding="ascii") as handle:
            text = handle.read().strip()
    except OSError:
        return None
    return int(text) if text.isdigit() else None


def _cgroup_room():
    """Limit minus usage of this process's cgroup (v2, else v1); None without a limit."""
    try:
        with open("/proc/self/cgroup", encoding="ascii") as handle:
            lines = handle.read().splitlines()
    except OSError:
        return None
    rooms = []
    for line in lines:
        parts = line.split(":", 2)
        if len(parts) != 3:
            continue
        controllers, path = parts[1], parts[2]
        if controllers == "":
            folder = "/sys/fs/cgroup" + path
            limit, usage = (_read_number(folder + "/memory.max"),
                            _read_number(folder + "/memory.current"))
        elif "memory" in controllers.split(","):
            folder = "/sys/fs/cgroup/memory" + path
            limit, usage = (_read_number(folder + "/memory.limit_in_bytes"),
                            _read_number(folder + "/memory.usage_in_bytes"))
        else:
            continue
        # cgroup v1 writes an unlimited limit as a huge page-rounded number.
        if limit is not None and limit < 1 << 60:
            rooms.append(max(0, limit - (usage or 0)))
    return min(rooms) if rooms else None


def _rlimit_room():
    """Room under RLIMIT_AS (address space) and RLIMIT_DATA, from /proc/self/status.

    None where there is no such limit, or no ``resource`` module (Windows: QGIS there must still
    be able to import the engine).
    """
    try:
        import resource
    except ImportError:
        return None
    rooms = []
    for limit_name, status_key in (("RLIMIT_AS", "VmSize:"), ("RLIMIT_DATA", "VmData:")):
        soft, _ = resource.getrlimit(getattr(resource, limit_name))
        if soft == resource.RLIM_INFINITY:
            continue
        used = 0
        try:
            with open("/proc/self/status", encoding="ascii") as handle:
                for line in handle:
                    if line.startswith(status_key):
                        used = int(line.split()[1]) * 1024
        except (OSError, ValueError, IndexError):
            pass
        rooms.append(max(0, soft - used))
    return min(rooms) if rooms else None


# -- the refusal ------------------------------------------------------------------------------
def _gib(value):
    return f"{value / 2 ** 30:.1f} GiB" if value >= 2 ** 30 else f"{value / 2 ** 20:.0f} MiB"


def check_memory(size, figure_shape, grid_shape, log=None) -> "MemoryEstimate":
    """Refuse a job whose estimated peak exceeds the memory it may use.

    Parameters
    ----------
    size : JobSize
    figure_shape : tuple (rows, cols)
        For the message.
    grid_shape : tuple (width, height)
        The output grid, for the message.
    log : callable(str), optional
        Receives one line with the estimate.

    Returns
    -------
    MemoryEstimate

    Raises
    ------
    EngineError
        Naming the parameter to change: PIXEL_SIZE when the output grid dominates,
        OUTPUT_RECONSTRUCTION when the rebuilt field does, otherwise INPUT.
    """
    estimate = estimate_job_bytes(size)
    available, source = available_memory()
    if log is not None:
        log(f"Memory: this job needs about {_gib(estimate.total)} at its peak ({estimate.peak_stage}); "
            + (f"{_gib(available)} may be used ({source})." if available is not None else
               "the memory available is unknown."))
    if available is None or estimate.total <= available:
        return estimate
    rows, cols = figure_shape
    width, height = grid_shape
    parts = {name: value for name, value in estimate.parts.items() if value > 0}
    cause = max((name for name in parts if name != "fixed"), key=parts.get)
    split = ", ".join(f"{name} {_gib(value)}" for name, value in parts.items())
    advice = {
        "output grid": ("PIXEL_SIZE", f"The output grid of {width}×{height} pixels is the largest "
                        "part: choose a larger PIXEL_SIZE (twice the size needs a quarter of the "
                        "memory), or 0 for the figure's own resolution."),
        "reconstruction": ("OUTPUT_RECONSTRUCTION", "The rebuilt field is a large part: leave "
                           "OUTPUT_RECONSTRUCTION out."),
        "report": ("OUTPUT_REPORT", "The report's pictures and GCP records are a large part: "
                   "leave OUTPUT_REPORT out."),
        "figure": ("INPUT", f"The figure's {cols}×{rows} pixels are the largest part: crop it to "
                   "the map panel or save it at a lower resolution."),
    }
    parameter, what_to_do = advice[cause]
    raise EngineError(
        f"This job would need about {_gib(estimate.total)} of memory ({split}, and a "
        f"{SAFETY_FACTOR - 1:.0%} margin), but only "
        f"{_gib(available)} may be used ({source}). {what_to_do} If the memory is really there, "
        f"set the environment variable {MAX_MEMORY_VARIABLE} (e.g. to "
        f"{math.ceil(estimate.total / 2 ** 30) + 1}G) before starting QGIS.",
        parameter=parameter)


def job_size(settings, header, plot_box, grid, grid_dbscan, detection=False,
             gcps=0) -> "JobSize":
    """The :class:`JobSize` of a job, from its settings, figure header and plans.

    Parameters
    ----------
    settings : pipeline.DecodeSettings
    header : figure.FigureHeader
    plot_box : tuple (col0, row0, col1, row1)
    grid : warping.OutputGrid
    grid_dbscan : bool
        Whether the reduction will run the grid DBSCAN.
    detection : bool
        Whether the figure's face is read (a box, the range or GCPs left to the figure).
    gcps : int
        GCPs of the GCP file.

    Returns
    -------
    JobSize
    """
    rows, cols = header.shape
    col0, row0, col1, row1 = plot_box
    return JobSize(
        figure_pixels=rows * cols, figure_mode=header.mode, has_alpha=header.has_alpha,
        decoded_pixels=(col1 - col0) * (row1 - row0),
        output_width=grid.width, output_height=grid.height,
        distance_output=settings.distance_output,
        reconstruction_output=settings.reconstruction_output, denoise=settings.denoise,
        # Not known before the colour scale is read: counted, to stay above.
        discrete=True, logarithmic=settings.logarithmic,
        grid_dbscan=grid_dbscan,
        native_grid=getattr(settings, "native_grid", "auto") != "off",
        own_warp=int(settings.transform) in (3, 5),  # thin plate spline, projective
        own_grid=getattr(grid, "figure_box", None) is not None,
        detection=detection, report=getattr(settings, "report", False),
        jpeg=_is_jpeg(getattr(header, "path", None)), gcps=gcps)


def _is_jpeg(path) -> bool:
    """Whether ``path`` is a JPEG file (by its first bytes)."""
    try:
        with open(path, "rb") as handle:
            return handle.read(3) == b"\xff\xd8\xff"
    except (OSError, TypeError, ValueError):
        return False


def detection_job_size(header) -> "JobSize":
    """The :class:`JobSize` of ``detectfigure``: the figure read, its face detected, a report.

    Parameters
    ----------
    header : figure.FigureHeader

    Returns
    -------
    JobSize
    """
    rows, cols = header.shape
    return JobSize(figure_pixels=rows * cols, figure_mode=header.mode,
                   has_alpha=header.has_alpha, detection=True, decode=False)


def release_freed_memory() -> None:
    """Hand memory the process has freed but still holds back to the system (glibc only).

    Libraries that build their results from many small blocks (Qhull's Delaunay triangulation:
    some 600 bytes a point) leave them in the C heap when they free them; those pages stay
    resident and every later array lands above them. ``malloc_trim`` returns them; elsewhere
    (another C library, another system) this does nothing.
    """
    import ctypes
    import ctypes.util

    global _MALLOC_TRIM
    if _MALLOC_TRIM is None:
        try:
            _MALLOC_TRIM = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6").malloc_trim
            _MALLOC_TRIM.argtypes, _MALLOC_TRIM.restype = [ctypes.c_size_t], ctypes.c_int
        except (OSError, AttributeError):
            _MALLOC_TRIM = False
    if _MALLOC_TRIM:
        _MALLOC_TRIM(0)


_MALLOC_TRIM = None

#: Blocks of at least this many bytes are mapped from the system each on its own and handed
#: back as soon as freed (:func:`map_large_allocations`).
MAPPED_ALLOCATION_BYTES = 4 * 2 ** 20
_MAPPED_ALLOCATIONS = {"set": False}


def map_large_allocations() -> None:
    """Have the C heap map blocks of :data:`MAPPED_ALLOCATION_BYTES` or more from the system
    one by one (glibc's ``M_MMAP_THRESHOLD``; elsewhere nothing is done).

    glibc raises that threshold, by default, to the size of each mapped block freed, up to
    32 MiB: after a job's first large arrays are freed, arrays of up to 32 MiB (a 4 MP figure's
    float32 rasters, the decoding's blocks) come from the heap, and the heap's pages stay
    resident between them when freed out of order. Fixed at 4 MiB, every such array is given
    back when freed: measured 232 -> 193 MiB at the peak of a 4 MP job (the report included).
    Set once per process.
    """
    import ctypes
    import ctypes.util

    if _MAPPED_ALLOCATIONS["set"]:
        return
    _MAPPED_ALLOCATIONS["set"] = True
    try:
        mallopt = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6").mallopt
        mallopt.argtypes, mallopt.restype = [ctypes.c_int, ctypes.c_int], ctypes.c_int
    except (OSError, AttributeError):
        return
    m_mmap_threshold = -3
    mallopt(m_mmap_threshold, MAPPED_ALLOCATION_BYTES)
