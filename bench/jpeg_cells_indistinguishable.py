"""How many of a JPEG's cells no decoder can read within one colour-map entry: cells whose
neighbouring entries the encoder writes into the very same file (issue 16).

Run by hand, never from the tests (after ``jpeg_cells_accuracy.py`` has filled the cache; the
JPEG and its PNG must still be where they were rendered). Reads the JPEGs' quantised DCT
coefficients with ``jpeglib`` (PyPI, bench only; e.g. ``pip install --target DIR jpeglib`` and
``PYTHONPATH=DIR``):

    /usr/bin/python3 bench/jpeg_cells_indistinguishable.py [--cache DIR] [--figures NAME ...]
                                                           [--offsets 3] [--ours]

For each judged cell (as in ``jpeg_cells_accuracy.py``: centre decoded, truth data) of a figure
drawn from a 256-entry matplotlib colour map, the cell's colour in the PNG (the encoder's input)
is found in the colour map's table (entry k), and the figure is made again with that one cell
drawn in entry k + d (d = ±1 ... ±offsets; every pixel of the cell showing the cell's colour
changes, nothing else), as the figure of a field whose value there is d entries higher. Each
such figure is encoded by the same encoder with the same settings (Pillow as matplotlib calls
it, or ImageMagick's ``convert -quality Q``), and its coefficients compared with the file's.

Only the MCU-aligned square of 16-px MCUs around the cell is encoded: an encoder codes each MCU
from its own pixels (colour conversion per pixel, 2 × 2 chroma averaging within the MCU, DCT
and quantisation per block), so a crop whose edges are MCU edges inside the figure gives the
figure's coefficients there. That is checked on every cell, not assumed: the crop with the true
colours (d = 0) must give exactly the file's coefficients, else the cell is counted "not
tested" (and as distinguishable, which can only raise the bound). The crops are laid out as
tiles of mosaics of about 4 MP, each encoded once.

A cell whose alternative d gives coefficients identical to the file's (hence, with the same
Huffman tables, an identical file) cannot be told from it by any decoder: the figures with the
cell at k and at k + d are both figures of fields (values t and t + d × entry width), and the
file is the same. For a cell with the set S of indistinguishable offsets (0 always in it), a
decoder outputs one value v for both; v is within one value resolution (range / 255, the
issue's measure; an entry is range / 256) of at most three consecutive offsets' values. Weighing
the figures of S alike (no prior on the field's smoothness that would favour the true one), its
expected share of such a cell is at most max over a of |S ∩ {a, a+1, a+2}| / |S|, whose mean
over the judged cells is the bound printed. It is an upper bound for every decoder that uses
only the file: changes of one cell at a time and of at most ``--offsets`` entries can only
leave out ambiguity, never add it.

Printed per figure:

cells       judged cells; "tested": those whose true crop reproduces the file's coefficients
            and whose colour is an entry of the colour map (the others count as
            distinguishable).
±1 only     cells whose indistinguishable alternatives are all ±1 (a decoder can still put
            the value within one resolution of every one of them: v = t, 1 ± ...);
±2+         cells with an indistinguishable alternative two or more entries away (the brief's
            crude cap counts them all lost);
lost        cells where S spans more than three consecutive offsets (or {-2, +1} etc.): no
            value is within one resolution of all of S;
cap         1 − (±2+ share): the crude cap;
bound       the expected share above (upper bound for any decoder without a prior);
ours        with ``--ours``, the plugin's share within one resolution on the same cells
            (``jpeg_cells.cell_values`` on the cached inputs, as ``jpeg_cells_accuracy.py``).
"""
import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
import jpeg_cells_accuracy as accuracy  # noqa: E402
from jpeg_cells_consistency import _png_beside  # noqa: E402

# The colour map each figure of ``jpeg_cells_accuracy.render`` is drawn with, and its encoder:
# ("pillow", quality, subsampling) as matplotlib's savefig(pil_kwargs={"quality": q}) calls
# Pillow (subsampling -1: Pillow's default, 4:2:0), or ("magick", quality, sampling factor).
FIGURES = {
    "sst90": ("viridis", ("pillow", 90, -1)), "sst80": ("viridis", ("pillow", 80, -1)),
    "sst75": ("viridis", ("pillow", 75, -1)), "sst70": ("viridis", ("pillow", 70, -1)),
    "sst50": ("viridis", ("pillow", 50, -1)),
    "viridis444": ("viridis", ("pillow", 80, 0)),
    "magma85": ("magma", ("pillow", 85, -1)), "topo85": ("plasma", ("pillow", 85, -1)),
    "cividis80": ("cividis", ("magick", 80, None)), "rdbu80": ("RdBu_r", ("magick", 80, None)),
    "large75": ("viridis", ("pillow", 75, -1)),
    **{f"globe{q}pil": ("viridis", ("pillow", q, -1)) for q in (75, 80, 85, 90)},
    **{f"globe{q}im": ("viridis", ("magick", q, None)) for q in (75, 80, 85, 90)},
    **{f"mesh{q}im": ("RdYlBu_r", ("magick", q, None)) for q in (50, 70, 75, 80)},
    **{f"eraint{s}": ("RdBu_r", ("pillow", 80, -1)) for s in ("4.6", "6.0", "7.5", "8.3")},
}
DEFAULT = ["globe75pil", "globe80pil", "globe85pil", "globe90pil", "globe75im", "globe80im",
           "globe85im", "globe90im", "sst75", "sst70", "sst50", "sst80", "sst90", "viridis444",
           "magma85", "topo85", "cividis80", "rdbu80", "large75", "mesh75im", "mesh70im",
           "mesh50im", "mesh80im", "eraint4.6", "eraint6.0", "eraint7.5", "eraint8.3"]
MCU = 16
MOSAIC_PX = 2048


def encode(mosaic, encoder, folder):
    """Quantised coefficients (Y, Cb, Cr: (block rows, block columns, 8, 8)) of ``mosaic``
    (uint8 RGB) written by ``encoder``."""
    import jpeglib
    from PIL import Image

    kind, quality, sampling = encoder
    jpeg = os.path.join(folder, "mosaic.jpg")
    if kind == "pillow":
        Image.fromarray(mosaic).save(jpeg, "JPEG", quality=quality, subsampling=sampling)
    else:
        png = os.path.join(folder, "mosaic.png")
        Image.fromarray(mosaic).save(png, compress_level=1)
        options = ["-sampling-factor", sampling] if sampling else []
        subprocess.run(["convert", png, "-background", "white", "-alpha", "remove", *options,
                        "-quality", str(quality), jpeg], check=True, timeout=600)
    dct = jpeglib.read_dct(jpeg)
    return [np.asarray(dct.Y), np.asarray(dct.Cb), np.asarray(dct.Cr)]


def block_pixels(coefficients, shape):
    """Each component's block size in figure pixels (rows, columns), from the component's
    block counts against the figure's size."""
    sizes = []
    for plane in coefficients:
        rows = 8 * (-(-shape[0] // (8 * plane.shape[0])) if plane.shape[0] else 1)
        cols = 8 * (-(-shape[1] // (8 * plane.shape[1])) if plane.shape[1] else 1)
        sizes.append((max(8, rows), max(8, cols)))
    return sizes


def colour_table(name):
    """The colour map's entries as the renderers draw them, two ways of rounding to bytes
    (matplotlib's images truncate ``lut * 255``; Agg's fills round)."""
    import matplotlib

    colormap = matplotlib.colormaps[name]
    lut = colormap(np.arange(colormap.N))[:, :3]
    return [(lut * 255).astype(np.uint8), np.rint(lut * 255).astype(np.uint8)]


def cell_pixels(kept, png):
    """Per lattice cell, the flat indices of its pixels (by their centres; a pixel whose centre
    lies on a cell edge within 1/32 px goes to each cell whose centre colour it shows)."""
    lattice = kept["lattice"]
    rows, cols = png.shape[:2]
    labels = []
    for n, origin, size, count in ((rows, lattice.origin_y, lattice.cell_height, lattice.rows),
                                   (cols, lattice.origin_x, lattice.cell_width,
                                    lattice.columns)):
        position = (np.arange(n) + 0.5 - origin) / size
        cell = np.floor(position).astype(np.int64)
        tie = np.abs(position - np.rint(position)) * size < 1 / 32
        other = np.where(tie, np.where(cell == np.rint(position), cell - 1, cell + 1), -1)
        valid = (cell >= 0) & (cell < count)
        labels.append((np.where(valid, cell, -1),
                       np.where(tie & (other >= 0) & (other < count), other, -1)))
    (row_cell, row_other), (col_cell, col_other) = labels
    return row_cell, row_other, col_cell, col_other


def footprint_boxes(kept, png, true_rgb, judged):
    """For each judged cell its pixels showing its centre colour: (cell, pixel rows, pixel
    columns) as flat arrays, grouped by cell."""
    lattice = kept["lattice"]
    row_cell, row_other, col_cell, col_other = cell_pixels(kept, png)
    rows, cols = png.shape[:2]
    code = (png.astype(np.int64) @ [65536, 256, 1])
    wanted = np.full(lattice.rows * lattice.columns, -1, np.int64)
    wanted[judged] = (true_rgb[judged].astype(np.int64) @ [65536, 256, 1])
    pieces = []
    for r_cells in (row_cell, row_other):
        for c_cells in (col_cell, col_other):
            r = np.nonzero(r_cells >= 0)[0]
            c = np.nonzero(c_cells >= 0)[0]
            cell = r_cells[r][:, None] * lattice.columns + c_cells[c][None, :]
            keep = wanted[cell] == code[np.ix_(r, c)]
            rr, cc = np.nonzero(keep)
            pieces.append(np.stack([cell[rr, cc], r[rr], c[cc]], axis=1))
    found = np.unique(np.concatenate(pieces), axis=0)
    order = np.argsort(found[:, 0], kind="stable")
    found = found[order]
    starts = np.searchsorted(found[:, 0], np.arange(lattice.rows * lattice.columns + 1))
    return found, starts


def indistinguishable(kept, colormap, encoder, offsets, folder, check=0):
    """(judged cell ids, offsets tried, same[cell, offset] bool, tested bool, entry width)."""
    from PIL import Image

    png_path = kept.get("png_path") or _png_beside(kept["coding"].path)
    png = np.asarray(Image.open(png_path).convert("RGB"))
    truth = kept["truth"].ravel()
    judged = np.isfinite(truth)
    true_rgb = kept["true_rgb"].reshape(-1, 3)
    import jpeglib

    file_dct = jpeglib.read_dct(kept["coding"].path)
    file_planes = [np.asarray(file_dct.Y), np.asarray(file_dct.Cb), np.asarray(file_dct.Cr)]
    sizes = block_pixels(file_planes, png.shape)
    # The cell's entry: its centre colour in the table (either rounding).
    tables = colour_table(colormap)
    entry = np.full(len(truth), -1)
    table_of = np.full(len(truth), -1)
    for t, table in enumerate(tables):
        code = table.astype(np.int64) @ [65536, 256, 1]
        where = {c: k for k, c in reversed(list(enumerate(code)))}
        centre = true_rgb.astype(np.int64) @ [65536, 256, 1]
        found = np.array([where.get(c, -1) for c in centre])
        fill = (entry < 0) & (found >= 0)
        entry[fill], table_of[fill] = found[fill], t
    footprint, starts = footprint_boxes(kept, png, true_rgb, judged)
    cells = np.nonzero(judged)[0]
    n_entries = len(tables[0])
    # Each cell's MCU-aligned square.
    first_row = np.full(len(truth), -1)
    first_col = np.full(len(truth), -1)
    span = np.zeros(len(truth), int)
    for cell in cells:
        pixels = footprint[starts[cell]:starts[cell + 1]]
        if len(pixels):
            r0, r1 = pixels[:, 1].min() // MCU, pixels[:, 1].max() // MCU
            c0, c1 = pixels[:, 2].min() // MCU, pixels[:, 2].max() // MCU
            first_row[cell], first_col[cell] = r0, c0
            span[cell] = max(r1 - r0, c1 - c0) + 1
    tile_mcus = int(span[cells].max())
    tile = tile_mcus * MCU
    whole_rows, whole_cols = png.shape[0] // MCU, png.shape[1] // MCU
    usable = ((entry >= 0) & (first_row >= 0) & (first_row + tile_mcus <= whole_rows)
              & (first_col + tile_mcus <= whole_cols))
    tried = np.array([0] + [d for k in range(1, offsets + 1) for d in (-k, k)])
    jobs = [(cell, d) for cell in cells if usable[cell] for d in tried
            if 0 <= entry[cell] + d < n_entries]
    same = np.zeros((len(truth), len(tried)), bool)
    reproduced = np.zeros(len(truth), bool)
    per_side = MOSAIC_PX // tile
    per_mosaic = per_side * per_side
    index_of = {d: i for i, d in enumerate(tried)}
    for start in range(0, len(jobs), per_mosaic):
        batch = jobs[start:start + per_mosaic]
        side_rows = -(-len(batch) // per_side)
        mosaic = np.zeros((side_rows * tile, per_side * tile, 3), np.uint8)
        for slot, (cell, d) in enumerate(batch):
            y, x = divmod(slot, per_side)
            r0, c0 = first_row[cell] * MCU, first_col[cell] * MCU
            crop = png[r0:r0 + tile, c0:c0 + tile].copy()
            if d:
                pixels = footprint[starts[cell]:starts[cell + 1]]
                crop[pixels[:, 1] - r0, pixels[:, 2] - c0] = tables[table_of[cell]][entry[cell] + d]
            mosaic[y * tile:(y + 1) * tile, x * tile:(x + 1) * tile] = crop
        coded = encode(mosaic, encoder, folder)
        for slot, (cell, d) in enumerate(batch):
            y, x = divmod(slot, per_side)
            equal = True
            for plane, mine, (bh, bw) in zip(file_planes, coded, sizes):
                fr, fc = first_row[cell] * MCU // bh, first_col[cell] * MCU // bw
                n_r, n_c = tile // bh, tile // bw
                mr, mc = y * tile // bh, x * tile // bw
                if not np.array_equal(plane[fr:fr + n_r, fc:fc + n_c],
                                      mine[mr:mr + n_r, mc:mc + n_c]):
                    equal = False
                    break
            if d == 0:
                reproduced[cell] = equal
            else:
                same[cell, index_of[d]] = equal
    tested = usable & reproduced
    same &= tested[:, None]
    if check:
        # The crops against the whole figure: a sample of (cell, offset) pairs, the whole PNG
        # with that one cell changed, encoded whole and compared with the file everywhere.
        # Half of the sample among the pairs the crops call indistinguishable, half among the
        # others (the true colours included).
        rng = np.random.default_rng(16)
        verdict = np.array([reproduced[c] if d == 0 else same[c, index_of[d]] for c, d in jobs])
        sample = []
        for group in (np.nonzero(verdict & (np.array([d for _, d in jobs]) != 0))[0],
                      np.nonzero(~verdict)[0]):
            take = min(len(group), (check + 1) // 2)
            sample += [jobs[i] for i in rng.choice(group, take, replace=False)]
        agree = same_count = 0
        for cell, d in sample:
            figure = png.copy()
            pixels = footprint[starts[cell]:starts[cell + 1]]
            if d:
                figure[pixels[:, 1], pixels[:, 2]] = tables[table_of[cell]][entry[cell] + d]
            whole = encode(figure, encoder, folder)
            identical = all(np.array_equal(a, b) for a, b in zip(file_planes, whole))
            crop = reproduced[cell] if d == 0 else same[cell, index_of[d]]
            agree += identical == crop
            same_count += identical
        print(f"{'':11s} whole figure re-encoded for {len(sample)} (cell, offset) pairs "
              f"({same_count} identical to the file): the crops' verdict agrees on {agree}; "
              f"{len(footprint) / max(judged.sum(), 1):.1f} "
              f"pixels changed per cell on average", flush=True)
    return cells, tried, same, tested, kept["resolution"] * (n_entries - 1) / n_entries


def joint_posterior(kept, colormap, encoder, offsets, sweeps, burn_in, seed=16):
    """Per judged cell, how often a Gibbs sampler over the figures the file cannot tell apart
    puts it within one resolution of the best single value (the posterior's best share, with
    every cell's entry a priori uniform: no smoothness prior).

    The state is every judged cell's entry (the other cells, the lines and labels stay as in
    the PNG: known to this oracle, which can only narrow the posterior). Each sweep updates the
    cells in classes ``span`` cells apart along either axis (no two share an MCU); each cell
    moves to an entry within ``offsets`` of its own, drawn uniformly among those whose whole
    figure codes to exactly the file's coefficients in every block it touches (libjpeg's islow
    DCT and quantisation, 4:2:0 downsampling of libjpeg: bit for bit Pillow's, checked on the
    true figure first). Started at the truth, so a chain that mixes slowly errs towards the
    truth: the share is then an overestimate, never an underestimate, of what the file allows.
    Returns (best share per judged cell, share of cells the chain ever moved, judged cells).
    """
    import jpeglib
    from jpeg_cells_consistency import _downsampled
    from PIL import Image

    jpeg_cells = accuracy.jpeg_cells
    if encoder[0] != "pillow" or encoder[2] != -1:
        raise SystemExit("--joint models Pillow's 4:2:0 coding only")
    png_path = kept.get("png_path") or _png_beside(kept["coding"].path)
    png = np.asarray(Image.open(png_path).convert("RGB"))
    truth = kept["truth"].ravel()
    judged = np.isfinite(truth)
    true_rgb = kept["true_rgb"].reshape(-1, 3)
    lattice = kept["lattice"]
    dct = jpeglib.read_dct(kept["coding"].path)
    rows, cols = (png.shape[0] // MCU) * MCU, (png.shape[1] // MCU) * MCU
    observed = [np.asarray(plane)[:rows // f, :cols // f].reshape(rows // f, cols // f, 64)
                for plane, f in ((dct.Y, 8), (dct.Cb, 16), (dct.Cr, 16))]
    tables = [np.asarray(dct.qt[i]).reshape(64) for i in (0, 1, 1)]
    ycc = jpeg_cells.stored_ycbcr(png[:rows, :cols]).astype(np.int64)

    def coefficients(planes):
        out = []
        for channel, table in enumerate(tables):
            plane = planes[..., channel]
            if channel:
                plane = _downsampled(plane)
            h, w = plane.shape
            blocks = plane.reshape(h // 8, 8, w // 8, 8).transpose(0, 2, 1, 3)
            out.append(jpeg_cells.libjpeg_coefficients(blocks, table))
        return out

    def mismatched(planes):
        return [(mine != theirs).any(axis=2) for mine, theirs in zip(coefficients(planes),
                                                                      observed)]

    truth_bad = [m.sum() for m in mismatched(ycc)]
    print(f"{'':11s} joint: blocks the true figure does not reproduce (luma, Cb, Cr): "
          f"{truth_bad}", flush=True)
    tables_rgb = colour_table(colormap)
    stored_tables = [jpeg_cells.stored_ycbcr(t).astype(np.int64) for t in tables_rgb]
    entry = np.full(len(truth), -1)
    table_of = np.full(len(truth), -1)
    for t, table in enumerate(tables_rgb):
        code = table.astype(np.int64) @ [65536, 256, 1]
        where = {c: k for k, c in reversed(list(enumerate(code)))}
        found = np.array([where.get(c, -1) for c in true_rgb.astype(np.int64) @ [65536, 256, 1]])
        fill = (entry < 0) & (found >= 0)
        entry[fill], table_of[fill] = found[fill], t
    footprint, _ = footprint_boxes(kept, png, true_rgb, judged)
    inside = (footprint[:, 1] < rows) & (footprint[:, 2] < cols) & (entry[footprint[:, 0]] >= 0)
    footprint = footprint[inside]
    cell, pr, pc = footprint.T
    active = np.zeros(len(truth), bool)
    active[cell] = True
    # Each (cell, block) pair once per channel: the blocks a cell's pixels lie in.
    pairs = []
    for f, n_cols in ((8, cols // 8), (16, cols // 16), (16, cols // 16)):
        key = np.unique(cell * (rows * cols) + (pr // f) * n_cols + pc // f)
        pairs.append((key // (rows * cols), key % (rows * cols)))
    n_entries = len(tables_rgb[0])
    state = entry.copy()
    span = int(np.ceil(MCU / min(lattice.cell_width, lattice.cell_height))) + 2
    row, col = np.divmod(np.arange(len(truth)), lattice.columns)
    klass = (row % span) * span + col % span
    rng = np.random.default_rng(seed)
    moves = np.arange(-offsets, offsets + 1)
    counts = np.zeros((len(truth), 2 * offsets * 4 + 1))  # entries relative to the truth
    reach = counts.shape[1] // 2
    ever = np.zeros(len(truth), bool)

    def render(current):
        planes = ycc.copy()
        colours = np.zeros((len(truth), 3), np.int64)
        ok = current >= 0
        for t, stored in enumerate(stored_tables):
            use = ok & (table_of == t)
            colours[use] = stored[current[use]]
        planes[pr, pc] = colours[cell]
        return planes

    for sweep in range(sweeps):
        for k in range(span * span):
            update = active & (klass == k)
            if not update.any():
                continue
            allowed = np.zeros((len(truth), len(moves)), bool)
            for m, d in enumerate(moves):
                trial = state.copy()
                target = state[update] + d
                valid = (target >= 0) & (target < n_entries)
                trial[np.nonzero(update)[0][valid]] = target[valid]
                bad = mismatched(render(trial))
                cost = np.zeros(len(truth))
                for (c, b), m_bad in zip(pairs, bad):
                    cost += np.bincount(c, m_bad.ravel()[b], len(truth))
                ok = update.copy()
                ok[np.nonzero(update)[0][~valid]] = False
                allowed[:, m] = ok & (cost == 0)
            choice = np.array([rng.choice(np.nonzero(a)[0]) if a.any() else offsets
                               for a in allowed[update]])
            state[update] += moves[choice]
        ever |= state != entry
        if sweep >= burn_in:
            offset = np.clip(state - entry, -reach, reach) + reach
            counts[np.arange(len(truth))[active], offset[active]] += 1
        print(f"{'':11s} joint sweep {sweep + 1}: {100 * (state != entry)[judged].mean():.1f} % "
              f"of judged cells away from the truth "
              f"({100 * (np.abs(state - entry) >= 2)[judged].mean():.1f} % by two entries or "
              f"more)", flush=True)
    width = kept["resolution"] * (n_entries - 1) / n_entries
    window = int(np.floor(2 * kept["resolution"] / width + 1e-9)) + 1
    best = np.ones(len(truth))
    total = counts.sum(axis=1)
    sliding = np.stack([counts[:, a:a + window].sum(axis=1)
                        for a in range(counts.shape[1] - window + 1)], axis=1)
    best[active] = sliding[active].max(axis=1) / total[active]
    cells = np.nonzero(judged)[0]
    return best[cells], ever[cells], cells


def expected_share(tried, same_row, width, resolution):
    """The best expected share within one resolution over the cell's indistinguishable
    offsets S, weighed alike: max over v of |{d in S: |v - d * width| <= resolution}| / |S|."""
    offsets = np.concatenate([[0], tried[1:][same_row[1:]]])
    if len(offsets) == 1:
        return 1.0
    values = offsets * width
    # The best v lies at some S value plus the resolution (the window's left end at a value).
    best = max(np.sum((values >= v) & (values <= v + 2 * resolution * (1 + 1e-9)))
               for v in values)
    return best / len(offsets)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--figures", nargs="*", default=DEFAULT)
    parser.add_argument("--cache", default=os.path.join(tempfile.gettempdir(), "jpegcells_cache"))
    parser.add_argument("--offsets", type=int, default=3,
                        help="alternatives up to this many entries either side (default 3)")
    parser.add_argument("--ours", action="store_true",
                        help="also the plugin's share on the same cells (cell_values again)")
    parser.add_argument("--check", type=int, default=0, metavar="N",
                        help="re-encode the whole figure for N random (cell, offset) pairs and "
                             "compare with the crops' verdict")
    parser.add_argument("--joint", type=int, default=0, metavar="SWEEPS",
                        help="also the Gibbs sampler over jointly indistinguishable figures "
                             "(Pillow 4:2:0 only), this many sweeps")
    arguments = parser.parse_args()
    print(f"{'figure':11s} {'cells':>6s} {'tested':>7s} {'±1 only':>8s} {'±2+':>7s} "
          f"{'lost':>6s} {'cap':>7s} {'bound':>7s}{'   ours':>7s}  encoder", flush=True)
    for name in arguments.figures:
        if name not in FIGURES:
            print(f"{name}: not drawn from a 256-entry colour map here; skipped", flush=True)
            continue
        kept = accuracy.capture(name, Path(arguments.cache))
        if kept is None:
            continue
        colormap, encoder = FIGURES[name]
        began = time.perf_counter()
        with tempfile.TemporaryDirectory(prefix="jpeg_indistinguishable_") as folder:
            cells, tried, same, tested, width = indistinguishable(kept, colormap, encoder,
                                                                  arguments.offsets, folder,
                                                                  arguments.check)
        seconds = time.perf_counter() - began
        resolution = kept["resolution"]
        far = np.abs(tried) >= 2
        any_same = same[cells].any(axis=1)
        far_same = same[cells][:, far].any(axis=1)
        near_only = any_same & ~far_same
        share = np.array([expected_share(tried, same[c], width, resolution) for c in cells])
        lost = share < 1
        n = len(cells)
        ours = ""
        if arguments.ours:
            one, _, _ = accuracy.shares(kept, accuracy.estimate(kept))
            ours = f" {100 * one:5.1f}%"
        kind, quality, sampling = encoder
        print(f"{name:11s} {n:6d} {100 * tested[cells].mean():6.1f}% "
              f"{100 * near_only.mean():7.1f}% {100 * far_same.mean():6.1f}% "
              f"{100 * lost.mean():5.1f}% {100 * (1 - far_same.mean()):6.1f}% "
              f"{100 * share.mean():6.1f}%{ours or '       '}  {kind} q{quality}"
              f"{' 4:4:4' if sampling == 0 else ''} ({seconds:.0f} s)", flush=True)
        counts = {int(d): int(same[cells, i].sum()) for i, d in enumerate(tried) if d}
        print(f"{'':11s} indistinguishable by offset: "
              + ", ".join(f"{d:+d}: {c}" for d, c in counts.items()), flush=True)
        if arguments.joint:
            began = time.perf_counter()
            best, moved, _ = joint_posterior(kept, colormap, encoder, arguments.offsets,
                                             arguments.joint, arguments.joint // 3)
            print(f"{'':11s} joint ({arguments.joint} sweeps, the first {arguments.joint // 3} "
                  f"burn-in): posterior's best share within one resolution "
                  f"{100 * best.mean():.1f} %; {100 * moved.mean():.1f} % of the cells ever "
                  f"moved ({time.perf_counter() - began:.0f} s)", flush=True)


if __name__ == "__main__":
    main()
