"""Class boundaries from a legend's class labels (detection/class_legend.py), as QGIS writes
them: its core classification's upper bounds with 'inf' last, its renderer dialog's ranges
with '<=' and '>' at the ends (with a unit), a graduated renderer's ranges of negative values;
in either order (lowest class first or last). What cannot give boundaries is refused."""
import pytest

from colormap_decoder.plugin.engine.detection.class_legend import (
    class_boundaries,
    parse_class_label,
    uneven_classes,
)


def test_upper_bounds_with_inf_close_the_open_end_classes():
    levels, low_first, notes = class_boundaries(["-400", "0", "400", "800", "1200", "inf"])
    assert levels == (-800, -400, 0, 400, 800, 1200, 1600)
    assert low_first
    assert len(notes) == 2 and "lowest class (up to -400) is open" in notes[0]
    levels, low_first, _ = class_boundaries(["inf", "3600", "3300", "3000"])
    assert levels == (2700, 3000, 3300, 3600, 3900) and not low_first


def test_ranges_with_a_unit_and_bounds_at_the_ends():
    texts = ["> 1200 m", "900 - 1200 m", "600 - 900 m", "300 - 600 m", "<= 300m"]
    levels, low_first, _ = class_boundaries(texts)
    assert levels == (0, 300, 600, 900, 1200, 1500) and not low_first
    levels, low_first, notes = class_boundaries(["-800 - -400", "-400 – 0", "0 - 1,200.5"])
    assert levels == (-800, -400, 0, 1200.5) and low_first and notes == []
    assert uneven_classes(levels)  # 400, 400, 1200.5: said


@pytest.mark.parametrize("texts, why", [
    (["100", "200", "300"], "plain values"),
    (["100", "300", "200", "inf"], "do not increase"),
    (["0 - 5", "6 - 9", "9 - 12"], "does not start where"),
    (["<= 5", "5 - 9", "<= 9"], "not the lowest class"),
    (["0 - 5", "5 - 9", "9 - 1Z"], "not read as a class"),
    (["100", "inf", "300"], "not at an end"),
])
def test_labels_giving_no_boundaries_are_refused(texts, why):
    with pytest.raises(ValueError, match=why):
        class_boundaries(texts)


def test_labels_parsed():
    assert parse_class_label("<= 200").kind == "below"
    assert parse_class_label("≥ 3,000").low == 3000
    assert parse_class_label("INF").kind == "infinity"
    assert parse_class_label("1,5") is None  # a decimal comma or a misread: not guessed
