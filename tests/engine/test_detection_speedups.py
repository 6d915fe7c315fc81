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
