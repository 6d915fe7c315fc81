"""The detection's faster paths give exactly what the slower ones gave."""
import numpy as np
import pytest
from scipy.ndimage import binary_closing

from colormap_decoder.plugin.engine.detection import ocr
from colormap_decoder.plugin.engine.detection.lines import _close_along_rows


@pytest.mark.parametrize("seed", range(4))
def test_row_closing_equals_scipy_binary_closing_border_included(seed):
    rng = np.random.default_rng(seed)
    for _ in range(50):
        rows, cols = rng.integers(1, 80, 2)
        size = 2 * int(rng.integers(0, 20)) + 1  # 1 (no closing) to 39, more than a row
        mask = rng.random((rows, cols)) < rng.random()
        expected = binary_closing(mask, structure=np.ones((1, size), bool))
        assert np.array_equal(_close_along_rows(mask, size), expected)
        # A transposed view, as the search for vertical lines passes it.
        expected = binary_closing(mask.T, structure=np.ones((1, size), bool))
        assert np.array_equal(_close_along_rows(mask.T, size), expected)


def test_ocr_runs_single_threaded_and_puts_the_setting_back():
    if not ocr.ocr_available():
        pytest.skip("Tesseract OCR is not installed")
    runtime = ocr._openmp_runtime()
    if runtime is None:
        pytest.skip("Tesseract is not built with GNU OpenMP here")
    before = runtime.omp_get_max_active_levels()
    with ocr._single_thread():
        assert runtime.omp_get_max_active_levels() == 0
    assert runtime.omp_get_max_active_levels() == before
    # The same text either way (a label drawn here: '-2500' in a 40 px high font).
    from matplotlib import font_manager
    from PIL import Image, ImageDraw, ImageFont

    image = Image.new("L", (220, 70), 255)
    font = ImageFont.truetype(font_manager.findfont("DejaVu Sans"), 40)
    ImageDraw.Draw(image).text((10, 10), "-2500", font=font, fill=0)
    text, _ = ocr.read_label(np.asarray(image))
    api = ocr._api()
    api.SetImage(image)
    assert text == api.GetUTF8Text().strip() == "-2500"


@pytest.mark.parametrize("side", ["bottom", "top", "left", "right"])
def test_glyph_freed_from_its_tick_keeps_its_place_in_the_figure(side):
    """A glyph at the end of a tick mark standing on a box's side (GMT's annotations at
    MAP_ANNOT_OFFSET 0) is freed from the stem (text._glyphs_off_stems), its parts labelled
    within the box round what was freed, not over the whole figure (0.33 s at 12 MP): the
    glyph's box is given in the figure's pixels, wherever it lies."""
    from colormap_decoder.plugin.engine.detection.text import find_glyphs

    ink = np.zeros((300, 400), bool)
    box = (120, 100, 280, 200)  # col0, row0, col1, row1: the frame's line drawn on its edge
    col0, row0, col1, row1 = box
    ink[row0, col0:col1] = ink[row1 - 1, col0:col1] = True
    ink[row0:row1, col0] = ink[row0:row1, col1 - 1] = True
    # A stem 2 px wide and 6 px long, then a glyph 7 px across and 9 px along, outward.
    if side == "bottom":
        ink[row1:row1 + 6, 200:202] = True
        ink[row1 + 6:row1 + 15, 197:204] = True
        glyph = (197, row1 + 6, 204, row1 + 15)
    elif side == "top":
        ink[row0 - 6:row0, 200:202] = True
        ink[row0 - 15:row0 - 6, 197:204] = True
        glyph = (197, row0 - 15, 204, row0 - 6)
    elif side == "right":
        ink[150:152, col1:col1 + 6] = True
        ink[147:154, col1 + 6:col1 + 15] = True
        glyph = (col1 + 6, 147, col1 + 15, 154)
    else:
        ink[150:152, col0 - 6:col0] = True
        ink[147:154, col0 - 15:col0 - 6] = True
        glyph = (col0 - 15, 147, col0 - 6, 154)
    exclude = np.zeros_like(ink)
    exclude[row0 - 1:row1 + 1, col0 - 1:col1 + 1] = True
    glyphs = find_glyphs(ink, exclude, max_height=40, boxes=[box])
    assert [found.box() for found in glyphs] == [glyph]


def test_byte_colours_to_lab_as_their_fractions():
    """colour_decoding.byte_srgb_to_lab (the transfer function looked up per byte value, the
    colorbar search's conversion of every candidate's inside) gives srgb_to_lab of the colours
    divided by 255 bit for bit: every grey, every pure and mixed channel value, random
    colours, in a patch's own order and transposed (a horizontal bar's inside)."""
    from colormap_decoder.plugin.engine.colour_decoding import byte_srgb_to_lab, srgb_to_lab

    values = np.arange(256)
    ramps = np.stack([np.stack([values] * 3, axis=1),
                      np.stack([values, np.zeros(256, int), 255 - values], axis=1),
                      np.stack([values[::-1], values, (values * 7) % 256], axis=1)])
    random = np.random.default_rng(0).integers(0, 256, (400, 300, 3))
    for colours in (ramps, random):
        colours = colours.astype(np.uint8)
        for patch in (colours, colours.transpose(1, 0, 2)):
            assert np.array_equal(byte_srgb_to_lab(patch),
                                  srgb_to_lab(patch.astype(np.float64) / 255.0))


def test_runs_through_a_column_as_walked_row_by_row():
    """colorbar._runs_through (every row's run of True through a column at once, the
    extension-end search's widths) gives what colorbar._run_bounds' walk gives on each row:
    random rows, the column anywhere from before the first pixel to past the last."""
    from colormap_decoder.plugin.engine.detection.colorbar import _run_bounds, _runs_through

    generator = np.random.default_rng(0)
    for _ in range(2000):
        rows, cols = generator.integers(1, 30, 2)
        flags = generator.random((rows, cols)) < generator.random()
        centre = int(generator.integers(-2, cols + 2))
        lefts, rights = _runs_through(flags, centre)
        for row, left, right in zip(flags, lefts, rights):
            walked = _run_bounds(row, centre)
            assert walked == ((None, None) if left < 0 else (left, right))


def test_strip_followed_past_its_edges_slice_by_slice_or_in_blocks(monkeypatch):
    """colorbar._follow_edges_astray measures the slices beyond a strip's ends in blocks of
    FOLLOWED_SLICES_AT_ONCE (perf44): a strip whose ends run on for longer than a block, in
    both directions, with a miss inside, ends where a walk of one slice at a time ends."""
    from colormap_decoder.plugin.engine.detection import colorbar

    page = (255, 255, 255)
    length = 4 * colorbar.FOLLOWED_SLICES_AT_ONCE + 17
    image = np.full((length + 40, 60, 3), 255, np.uint8)
    # A ramp 20 px wide, slices of one colour each, from slice 20 to slice 20 + length.
    ramp = np.linspace(30, 200, length).astype(np.uint8)
    image[20:20 + length, 20:40] = np.stack([ramp, 255 - ramp, np.full(length, 90)], axis=1)[
        :, None, :]
    image[20 + length // 3, 20:40] = 255  # a miss, within STRIP_MAX_GAP
    blocks = colorbar._follow_edges_astray(image, page, 20, 40, 100, 110)
    with monkeypatch.context() as patch:
        patch.setattr(colorbar, "FOLLOWED_SLICES_AT_ONCE", 1)
        one_by_one = colorbar._follow_edges_astray(image, page, 20, 40, 100, 110)
    assert blocks == one_by_one == (20, 19 + length)
