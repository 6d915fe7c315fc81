"""The plugin's own window (the decode window) and its figure view; QGIS GUI code only."""
