"""Destinations and unreadable figures, explained in the words of the output or input at hand.

Found by ``bench/attack_algorithms.py``: a folder given as OUTPUT_GCPS or OUTPUT_REPORT was
answered with "e.g. …/decoded.tif"; a figure without read permission was explained without
saying what to do.
"""
import builtins
import os

import pytest

from colormap_decoder.plugin.engine import figure, validation
from colormap_decoder.plugin.engine.errors import EngineError


@pytest.mark.parametrize("parameter, example", [
    ("OUTPUT", "decoded.tif"), ("OUTPUT_DISTANCE", "distance.tif"),
    ("OUTPUT_POINTS", "points.gpkg"), ("OUTPUT_REPORT", "report.html"),
    ("OUTPUT_GCPS", "gcps.points")])
def test_a_folder_given_as_an_output_suggests_a_file_of_its_kind(tmp_path, parameter, example):
    with pytest.raises(EngineError) as raised:
        validation.check_destination(parameter, str(tmp_path))
    assert raised.value.parameter == parameter
    assert str(raised.value) == (f"{parameter} '{tmp_path}' is a folder. Give a file name in it, "
                                 f"e.g. '{os.path.join(tmp_path, example)}'.")


def test_a_figure_without_read_permission_says_what_to_do(tmp_path, monkeypatch):
    # Tests may run as root, whom chmod 000 does not stop: the refusal is simulated.
    path = tmp_path / "fig.png"
    path.write_bytes(b"\x89PNG")
    real_open = builtins.open

    def no_permission(file, *arguments, **keywords):
        if os.fspath(file) == str(path):
            raise PermissionError(13, "Permission denied", str(path))
        return real_open(file, *arguments, **keywords)

    monkeypatch.setattr(builtins, "open", no_permission)
    message = figure.unreadable_figure_message(str(path))
    assert message == (f"The figure '{path}' cannot be read: Permission denied. Make the file "
                       "readable (check its permissions) or copy it to a folder you can read.")
