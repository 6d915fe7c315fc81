"""Colormap Decoder: a QGIS plugin that turns colour-mapped map figures back into data."""


def classFactory(iface):  # noqa: N802 - the name QGIS looks for
    """Create the plugin for QGIS's plugin manager."""
    from .plugin.plugin import ColormapDecoderPlugin

    return ColormapDecoderPlugin(iface)
