"""Colormap Decoder: a QGIS plugin that turns colour-mapped map figures back into data."""


def classFactory(iface):  # noqa: N802 - the name QGIS looks for
    """Create the plugin for QGIS's plugin manager."""
    import os

    from .plugin.bytecode_cache import remove_damaged_bytecode

    # Before the plugin's modules are imported: one compiled on a full disk may have left a
    # cut-short .pyc that would fail every run since (see plugin/bytecode_cache.py).
    remove_damaged_bytecode(os.path.join(os.path.dirname(os.path.abspath(__file__)), "plugin"))
    from .plugin.plugin import ColormapDecoderPlugin

    return ColormapDecoderPlugin(iface)
