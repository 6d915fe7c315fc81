"""Checking for the scientific Python packages the engine needs, without importing them all."""
import importlib.util

# import name -> (what it is for, Debian/Ubuntu package, pip name)
REQUIRED_PACKAGES = {
    "numpy": ("arrays", "python3-numpy", "numpy"),
    "scipy": ("interpolation and labelling", "python3-scipy", "scipy"),
    "rasterio": ("reading and writing rasters", "python3-rasterio", "rasterio"),
    "pyproj": ("coordinate reference systems", "python3-pyproj", "pyproj"),
    "shapely": ("geometry", "python3-shapely", "shapely"),
    "PIL": ("reading images", "python3-pil", "pillow"),
    "matplotlib": ("colormaps", "python3-matplotlib", "matplotlib"),
}


def missing_packages():
    """Import names of the required packages that cannot be found."""
    return [name for name in REQUIRED_PACKAGES if importlib.util.find_spec(name) is None]


def missing_dependencies_message():
    """A message telling how to install what is missing, or '' when nothing is."""
    missing = missing_packages()
    if not missing:
        return ""
    listed = ", ".join(f"{REQUIRED_PACKAGES[name][2]} ({REQUIRED_PACKAGES[name][0]})"
                       for name in missing)
    debian = " ".join(REQUIRED_PACKAGES[name][1] for name in missing)
    pip = " ".join(REQUIRED_PACKAGES[name][2] for name in missing)
    return (
        f"Colormap Decoder needs Python packages that QGIS's Python cannot find: {listed}.\n"
        f"- Debian/Ubuntu: sudo apt install {debian}\n"
        f"- Windows: open the OSGeo4W Shell as administrator and run: python -m pip install {pip} "
        "(or add the matching python3-* packages in the OSGeo4W installer)\n"
        f"- macOS (QGIS.app): /Applications/QGIS.app/Contents/MacOS/bin/python3 -m pip install {pip}\n"
        "Then restart QGIS.")
