"""Colormap Decoder's code: ``engine`` (no QGIS) and the thin QGIS glue around it."""
import os

PLUGIN_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ICON_PATH = os.path.join(PLUGIN_ROOT, "icons", "colormap_decoder.svg")
