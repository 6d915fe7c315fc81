"""Attack both algorithms with hostile input and record what happens (run by hand, not a test).

Each case runs ``colormapdecoder:decodemap`` or ``colormapdecoder:detectfigure`` through
``processing.run`` in this process, on copies in a temporary folder (never on the checkout),
and records: the outcome (ran / refused naming a parameter / a bug / a traceback), whether
every input is byte-identical afterwards, and whether any file was left in the output folder
or beside the inputs by a refused run. Prints one line per case; ``--only WORD`` runs the
cases whose name contains WORD (``--only 'A|B'``: either).

    env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/tmp/home-x QT_QPA_PLATFORM=offscreen \
        LANG=C.UTF-8 /usr/bin/python3 bench/attack_algorithms.py

Permissions (chmod 000 inputs, read-only folders) stop no one running as root: run it as
another user too, e.g. ``setpriv --reuid=nobody --regid=nogroup --clear-groups`` before
``env`` (with a HOME that user can write, and ``python3 -B``). ``--cancel`` cancels runs from
another thread after a series of delays, over previous outputs; ``--concurrent`` runs three
``qgis_process.bin`` writing the same outputs at once.
"""

import argparse
import hashlib
import os
import shutil
import struct
import sys
import tempfile
import threading
import zlib
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "tests"))
from sample_figure import FIGURE, POINTS_FILE, expose_package, sample_extents  # noqa: E402

expose_package()

DECODE, DETECT = "colormapdecoder:decodemap", "colormapdecoder:detectfigure"


def png_chunk(tag, body):
    return struct.pack(">I", len(body)) + tag + body + struct.pack(">I", zlib.crc32(tag + body) & 0xFFFFFFFF)


def bomb_png(path, cols, rows):
    """A grey PNG whose header promises cols×rows pixels, with a few bytes of data."""
    data = zlib.compress(bytes(cols + 1) * 2)
    Path(path).write_bytes(
        b"\x89PNG\r\n\x1a\n"
        + png_chunk(b"IHDR", struct.pack(">IIBBBBB", cols, rows, 8, 0, 0, 0, 0))
        + png_chunk(b"IDAT", data)
        + png_chunk(b"IEND", b"")
    )


def make_inputs(folder):
    import numpy as np
    from PIL import Image

    shutil.copy(FIGURE, folder / "fig.png")
    shutil.copy(POINTS_FILE, folder / "fig.points")
    points = (folder / "fig.points").read_text()
    header, *rows = [line for line in points.splitlines() if line.strip()]
    crs_line = next(line for line in (header, *rows) if line.startswith("#CRS"))
    data_header = next(line for line in rows if line.startswith("mapX"))
    data = [line for line in rows if line and line[0].isdigit() or line[:1] == "-"]
    (folder / "one.points").write_text("\n".join([crs_line, data_header, data[0]]) + "\n")
    (folder / "two.points").write_text("\n".join([crs_line, data_header] + data[:2]) + "\n")
    # Three collinear points: the first point, and two more along the same line.
    parts = [line.split(",") for line in data[:2]]
    a = [float(v) for v in parts[0][:4]]
    b = [float(v) for v in parts[1][:4]]
    mid = [(x + y) / 2 for x, y in zip(a, b)]
    far = [2 * y - x for x, y in zip(a, b)]
    collinear = [",".join(f"{v:.6f}" for v in p) + ",1,0,0,0" for p in (a, mid, far)]
    (folder / "collinear.points").write_text("\n".join([crs_line, data_header] + collinear) + "\n")
    (folder / "crlf_bom.points").write_bytes(b"\xef\xbb\xbf" + points.replace("\n", "\r\n").encode())
    (folder / "latin1.points").write_bytes(
        points.replace("#CRS:", "#CRS:").encode("utf-8") + "# Höhe\n".encode("latin-1")
    )
    (folder / "binary.points").write_bytes(bytes(range(256)) * 40)
    (folder / "empty.points").write_bytes(b"")
    (folder / "header_only.points").write_text(crs_line + "\n" + data_header + "\n")
    (folder / "nan.points").write_text(
        "\n".join([crs_line, data_header] + ["nan," + data[0].split(",", 1)[1]] + data[1:]) + "\n"
    )
    # Columns swapped (latitude first) as a careless CSV does.
    swapped = []
    for line in data:
        v = line.split(",")
        swapped.append(",".join([v[1], v[0]] + v[2:]))
    (folder / "swapped.points").write_text("\n".join([crs_line, data_header] + swapped) + "\n")
    (folder / "huge.points").write_text(
        "\n".join([crs_line, data_header] + ["1e300,1e300," + data[0].split(",", 2)[2]] + data[1:]) + "\n"
    )
    (folder / "no_header.points").write_text("\n".join(data) + "\n")
    (folder / "old_header.points").write_text(
        "mapX,mapY,pixelX,pixelY,enable\n" + "\n".join(",".join(line.split(",")[:5]) for line in data) + "\n"
    )
    (folder / "tabs.points").write_text(points.replace(",", "\t"))
    (folder / "semicolon.points").write_text(points.replace(",", ";"))
    (folder / "all_disabled.points").write_text(
        "\n".join(
            [crs_line, data_header] + [",".join(line.split(",")[:4] + ["0"] + line.split(",")[5:]) for line in data]
        )
        + "\n"
    )
    (folder / "not_gcps.csv").write_text("a,b,c\n1,2,3\n")
    degenerate_gcp_files(folder)
    # Figures.
    (folder / "text.png").write_text("this is not an image\n")
    raw = (folder / "fig.png").read_bytes()
    (folder / "truncated.png").write_bytes(raw[: len(raw) // 2])
    with Image.open(folder / "fig.png") as image:
        rgb = image.convert("RGB")
        rgb.save(folder / "fig.jpg", quality=90)
        rgb.convert("CMYK").save(folder / "cmyk.jpg")
        rgb.convert("P", palette=Image.ADAPTIVE).save(folder / "palette.png", transparency=0)
        frames = [rgb, rgb.transpose(Image.FLIP_LEFT_RIGHT)]
        frames[0].save(folder / "anim.gif", save_all=True, append_images=frames[1:])
        array = np.asarray(rgb)
    jpg = (folder / "fig.jpg").read_bytes()
    (folder / "truncated.jpg").write_bytes(jpg[: len(jpg) // 3])
    Image.fromarray((array[..., 0].astype(np.uint16) * 257)).save(folder / "grey16.png")
    Image.new("RGB", (1, 1), (68, 1, 84)).save(folder / "one_pixel.png")
    Image.new("RGB", (60000, 1), (68, 1, 84)).save(folder / "one_row.png")
    (folder / "one_row.csv").write_text("pixel_x,pixel_y,map_x,map_y\n0,0,0,1\n60000,0,60,1\n0,1,0,0\n")
    Image.new("RGB", (2, 2), (68, 1, 84)).save(folder / "two_by_two.png")
    (folder / "two_by_two.csv").write_text("pixel_x,pixel_y,map_x,map_y\n0,0,0,2\n2,0,2,2\n0,2,0,0\n2,2,2,0\n")
    Image.fromarray(array[:60, :80, 0] > 128).save(folder / "bilevel.tif")
    bomb_png(folder / "bomb.png", 100000, 100000)
    bomb_png(folder / "wide.png", 2**31 - 1, 1)
    import rasterio
    from rasterio.transform import from_origin

    for bands in (1, 2, 4):
        with rasterio.open(
            folder / f"bands{bands}.tif",
            "w",
            driver="GTiff",
            width=60,
            height=40,
            count=bands,
            dtype="uint8",
            crs="EPSG:4326",
            transform=from_origin(10, 50, 0.1, 0.1),
        ) as target:
            for band in range(bands):
                target.write(np.asarray(rgb)[:40, :60, band % 3], band + 1)
    (folder / "mask.wkt").write_text("POLYGON((1 1, 2 1, 2 2, 1 1))")
    from osgeo import ogr

    for name, driver in (("mask.gpkg", "GPKG"), ("mask.sqlite", "SQLite")):
        source = ogr.GetDriverByName(driver).CreateDataSource(str(folder / name))
        layer = source.CreateLayer("mask", None, ogr.wkbPolygon)
        feature = ogr.Feature(layer.GetLayerDefn())
        feature.SetGeometry(ogr.CreateGeometryFromWkt("POLYGON((200 -200, 300 -200, 300 -300, 200 -300, 200 -200))"))
        layer.CreateFeature(feature)
        source = None
    hostile_files(folder, frames, rgb, crs_line, data_header, data)
    lying_files(folder, rgb, points)
    fourth_round_files(folder, rgb)
    fifth_round_files(folder, rgb)
    sixth_round_files(folder, rgb)
    unreadable = folder / "unreadable.png"
    shutil.copy(FIGURE, unreadable)
    unreadable_gcps = folder / "unreadable.points"
    shutil.copy(POINTS_FILE, unreadable_gcps)
    shutil.copy(HERE.parent / "tests" / "data" / "gmtserver_earth_age.cpt", folder / "unreadable.cpt")
    readonly = folder / "readonly"
    readonly.mkdir()
    readonly.chmod(0o555)
    # unreadable.png and unreadable.points are made unreadable in each case's copy (a copy of
    # an unreadable file cannot be made by a user who is not root).


ODD_FOLDER = "a folder with spaces, ümlauts & 'quotes'"
ODD_FIGURE = 'Höhe "2019" – fig.png'
ODD_GCPS = "Höhe 'GCPs' – fig.points"


def jpeg_declaring(source, target, cols, rows):
    """A copy of JPEG ``source`` whose frame header (SOF) declares cols×rows pixels."""
    data = bytearray(Path(source).read_bytes())
    for marker in (b"\xff\xc0", b"\xff\xc2", b"\xff\xc1"):
        at = data.find(marker)
        if at >= 0:
            data[at + 5 : at + 9] = struct.pack(">HH", rows, cols)
            break
    Path(target).write_bytes(bytes(data))


def hostile_files(folder, frames, rgb, crs_line, data_header, data):
    """Names with spaces, non-ASCII letters and quotes; empty, lying and unusual images; GCP
    files with inf, duplicated rows, non-ASCII CRS; empty and wrong-type mask layers."""
    import numpy as np
    import rasterio
    from osgeo import ogr, osr
    from pyproj import CRS

    odd = folder / ODD_FOLDER
    odd.mkdir()
    shutil.copy(folder / "fig.png", odd / ODD_FIGURE)
    shutil.copy(folder / "fig.points", odd / ODD_GCPS)
    (folder / "empty.png").write_bytes(b"")
    (folder / "empty.jpg").write_bytes(b"")
    (folder / "header_only.png").write_bytes((folder / "fig.png").read_bytes()[:33])
    jpeg_declaring(folder / "fig.jpg", folder / "bomb.jpg", 65000, 65000)
    array = np.asarray(rgb).astype(np.uint16) * 257
    with rasterio.open(
        folder / "rgb16.png", "w", driver="PNG", width=array.shape[1], height=array.shape[0], count=3, dtype="uint16"
    ) as target:
        target.write(np.moveaxis(array, 2, 0))
    frames[0].save(folder / "anim.png", save_all=True, append_images=frames[1:])
    frames[0].save(folder / "pages.tif", save_all=True, append_images=frames[1:])
    rgb.convert("LA").save(folder / "grey_alpha.png")
    rgb.save(folder / "fig.webp", lossless=True)

    def gcps(name, rows, crs=crs_line):
        (folder / name).write_text("\n".join([crs, data_header] + rows) + "\n", encoding="utf-8")

    gcps("inf.points", ["inf," + data[0].split(",", 1)[1]] + data[1:])
    gcps("minus_inf_pixel.points", [",".join(data[0].split(",")[:2] + ["-inf"] + data[0].split(",")[3:])] + data[1:])
    gcps("every_row_twice.points", [row for row in data for _ in range(2)])
    gcps("one_row_five_times.points", [data[0]] * 5)
    gcps("crs_non_ascii.points", data, crs="#CRS: Höhensystem ünbekannt (Südtirol)")
    wkt = CRS.from_epsg(32632).to_wkt().replace("WGS 84 / UTM zone 32N", "UTM 32N – Südtirol „Vinschgau“")
    gcps("crs_wkt_non_ascii.points", data, crs="#CRS: " + wkt)
    crs = osr.SpatialReference()
    crs.ImportFromEPSG(32632)
    for name, kind in (
        ("empty_mask.gpkg", ogr.wkbPolygon),
        ("point_mask.gpkg", ogr.wkbPoint),
        ("null_mask.gpkg", ogr.wkbPolygon),
    ):
        source = ogr.GetDriverByName("GPKG").CreateDataSource(str(folder / name))
        layer = source.CreateLayer("mask", None, kind)
        if name == "point_mask.gpkg":
            feature = ogr.Feature(layer.GetLayerDefn())
            feature.SetGeometry(ogr.CreateGeometryFromWkt("POINT (250 -250)"))
            layer.CreateFeature(feature)
        elif name == "null_mask.gpkg":
            layer.CreateFeature(ogr.Feature(layer.GetLayerDefn()))  # no geometry
        source = None


def lying_files(folder, rgb, points):
    """Third round: a JPEG whose EXIF says 'rotate 90°', a progressive JPEG, a PNG wholly
    transparent, a VRT and a zip holding the figure, a .points file written with pixel y = +row,
    a figure georeferenced by a PAM .aux.xml sidecar."""
    import zipfile

    from PIL import Image

    exif = Image.Exif()
    exif[0x0112] = 6  # Orientation: rotate 90° clockwise to display
    rgb.save(folder / "exif_rotated.jpg", quality=90, exif=exif)
    rgb.save(folder / "progressive.jpg", quality=90, progressive=True)
    transparent = rgb.convert("RGBA")
    transparent.putalpha(0)
    transparent.save(folder / "transparent.png")
    bands = "".join(
        f'<VRTRasterBand dataType="Byte" band="{band}"><SimpleSource><SourceFilename '
        f'relativeToVRT="1">fig.png</SourceFilename><SourceBand>{band}</SourceBand></SimpleSource>'
        "</VRTRasterBand>"
        for band in (1, 2, 3)
    )
    (folder / "fig.vrt").write_text(
        f'<VRTDataset rasterXSize="{rgb.width}" rasterYSize="{rgb.height}">{bands}</VRTDataset>'
    )
    with zipfile.ZipFile(folder / "fig.zip", "w") as archive:
        archive.write(folder / "fig.png", "fig.png")
    rows = []
    for line in points.splitlines():
        values = line.split(",")
        if line[:1].isdigit() and len(values) > 3:
            values[3] = str(-float(values[3]))
        rows.append(",".join(values))
    (folder / "plus_row.points").write_text("\n".join(rows) + "\n")
    shutil.copy(folder / "fig.png", folder / "pam.png")
    (folder / "pam.png.aux.xml").write_text(
        '<PAMDataset><SRS dataAxisToSRSAxisMapping="1,2">EPSG:32632</SRS>'
        "<GeoTransform>590000, 100, 0, 5200000, 0, -100</GeoTransform></PAMDataset>\n"
    )


def _fifo(path):
    """A named pipe made in the case's own copy (copying one would block)."""
    os.mkfifo(path)
    return str(path)


def degenerate_gcp_files(folder):
    """CSV GCP files (pixel y down, UTM 32N) that no transform of their kind can be fitted to."""
    import numpy as np

    def write(name, pixels, maps):
        rows = [f"{px:.9f},{py:.9f},{mx:.3f},{my:.3f}" for (px, py), (mx, my) in zip(pixels, maps)]
        (folder / name).write_text("pixel_x,pixel_y,map_x,map_y\n" + "\n".join(rows) + "\n")

    def affine(pixels):
        return [(600000 + 100 * px, 5190000 - 100 * py) for px, py in pixels]

    angles = np.linspace(0, 2 * np.pi, 12, endpoint=False)
    circle = [(450 + 200 * np.cos(a), 300 + 200 * np.sin(a)) for a in angles]
    write("circle6.csv", circle[::2], affine(circle[::2]))
    write("circle12.csv", circle, affine(circle))
    corners = [(100, 100), (800, 100), (100, 500), (800, 500)]
    write("same_pixel.csv", corners + [(450, 300), (450, 300)], affine(corners + [(450, 300)]) + [(650000, 5150000)])
    write(
        "near_pixel.csv",
        corners + [(450, 300), (450 + 1e-7, 300)],
        affine(corners + [(450, 300)]) + [(650000, 5150000)],
    )
    write(
        "projective_collinear.csv",
        [(100, 100), (450, 300), (800, 500), (100, 500)],
        affine([(100, 100), (450, 300), (800, 500), (100, 500)]),
    )
    write("same_map.csv", corners, [(600000, 5146000)] * 4)
    write(
        "collinear_map.csv", corners, [(600000 + 100 * px + 7 * py, 5146000 + 100 * px + 7 * py) for px, py in corners]
    )


def snapshot(folder):
    digests = {}
    for root, _, files in os.walk(folder):
        for name in files:
            path = os.path.join(root, name)
            if not os.path.isfile(path):  # a named pipe made by a case: reading it would block
                digests[path] = "not a regular file"
                continue
            try:
                digests[path] = hashlib.sha256(Path(path).read_bytes()).hexdigest()
            except OSError:
                digests[path] = "unreadable"
    return digests


def files_under(folder):
    return sorted(
        os.path.relpath(os.path.join(root, name), folder)
        for root, dirs, names in os.walk(folder)
        for name in names + [d + "/" for d in dirs]
    )


def fourth_round_files(folder, rgb):
    """Fourth round: the figure drawn partly transparent (every pixel at alpha 178, its colour
    kept apart, as matplotlib's imshow(alpha=0.7) saved with transparent=True stores it) and
    nearly transparent (alpha 40), a GeoTIFF of it, a GCP CSV in degrees across the
    antimeridian."""
    partly = rgb.convert("RGBA")
    partly.putalpha(178)
    partly.save(folder / "partly_transparent.png")
    partly.putalpha(40)
    partly.save(folder / "nearly_transparent.png")
    import numpy as np
    import rasterio

    pixels = np.moveaxis(np.asarray(rgb.convert("RGB")), 2, 0)
    with rasterio.open(folder / "fig.tif", "w", driver="GTiff", width=rgb.width, height=rgb.height,
                       count=3, dtype="uint8", crs="EPSG:32632",
                       transform=rasterio.Affine(100, 0, 590000, 0, -100, 5200000)) as out:
        out.write(pixels)
    (folder / "antimeridian.csv").write_text(
        "pixel_x,pixel_y,map_x,map_y\n112,87,170,60\n672,87,190,60\n112,518,170,40\n672,518,190,40\n")


def fifth_round_files(folder, rgb):
    """Fifth round: sparse TIFFs (GDAL's SPARSE_OK: blocks all 0 never written) of the figure
    with its top 256 rows black, uncompressed and deflated, and one never written at all."""
    import numpy as np
    from osgeo import gdal

    pixels = np.asarray(rgb.convert("RGB")).copy()
    pixels[:256] = 0
    for name, options in (("sparse.tif", ["TILED=YES", "BLOCKXSIZE=64", "BLOCKYSIZE=64"]),
                          ("sparse_deflate.tif", ["TILED=YES", "COMPRESS=DEFLATE"]),
                          ("sparse_empty.tif", ["TILED=YES"])):
        dataset = gdal.GetDriverByName("GTiff").Create(
            str(folder / name), rgb.width, rgb.height, 3, gdal.GDT_Byte, ["SPARSE_OK=TRUE"] + options)
        if name != "sparse_empty.tif":
            for band in range(3):
                dataset.GetRasterBand(band + 1).WriteArray(pixels[..., band])
        del dataset


def tiff_declaring(path, cols, rows):
    """A grey TIFF whose header declares cols×rows pixels in one strip of 64 bytes."""
    entries = [(256, 4, cols), (257, 4, rows), (258, 3, 8), (259, 3, 1), (262, 3, 1),
               (273, 4, 8 + 2 + 12 * 10 + 4), (277, 3, 1), (278, 4, rows), (279, 4, 64),
               (284, 3, 1)]
    ifd = struct.pack("<H", len(entries)) + b"".join(
        struct.pack("<HHII", tag, kind, 1, value) if kind == 4 else
        struct.pack("<HHIHH", tag, kind, 1, value, 0) for tag, kind, value in entries)
    Path(path).write_bytes(b"II*\x00" + struct.pack("<I", 8) + ifd + struct.pack("<I", 0) +
                           bytes(range(64)))


def sixth_round_files(folder, rgb):
    """Sixth round (attack32): GIF, BMP and TIFF headers declaring far more pixels than they
    hold; CMYK and YCbCr-JPEG TIFFs; RGB GeoTIFFs with odd nodata values."""
    import numpy as np
    from osgeo import gdal

    rgb = rgb.convert("RGB")
    rgb.crop((0, 0, 40, 30)).save(folder / "small.gif")
    data = bytearray((folder / "small.gif").read_bytes())
    data[6:10] = struct.pack("<HH", 65535, 65535)  # the logical screen
    (folder / "gif_declaring.gif").write_bytes(bytes(data))
    rgb.crop((0, 0, 40, 30)).save(folder / "small.bmp")
    data = bytearray((folder / "small.bmp").read_bytes())
    data[18:26] = struct.pack("<ii", 60000, 60000)
    (folder / "bmp_declaring.bmp").write_bytes(bytes(data))
    tiff_declaring(folder / "tiff_declaring.tif", 100000, 100000)
    rgb.convert("CMYK").save(folder / "cmyk.tif")
    pixels = np.asarray(rgb)
    driver = gdal.GetDriverByName("GTiff")
    dataset = driver.Create(str(folder / "ycbcr.tif"), rgb.width, rgb.height, 3, gdal.GDT_Byte,
                            ["COMPRESS=JPEG", "PHOTOMETRIC=YCBCR", "JPEG_QUALITY=95"])
    for band in range(3):
        dataset.GetRasterBand(band + 1).WriteArray(pixels[..., band])
    del dataset
    for name, nodata in (("nodata0.tif", 0), ("nodata300.tif", 300), ("nodata_nan.tif", float("nan"))):
        dataset = driver.Create(str(folder / name), rgb.width, rgb.height, 3, gdal.GDT_Byte)
        dataset.SetGeoTransform((590000, 100, 0, 5200000, 0, -100))
        dataset.SetProjection("EPSG:32632")
        for band in range(3):
            dataset.GetRasterBand(band + 1).WriteArray(pixels[..., band])
            dataset.GetRasterBand(band + 1).SetNoDataValue(nodata)
        del dataset


def pam_box(x0, x1, y0, y1):
    """A pixel box (x = column, y = -row) in the map coordinates of pam.png's .aux.xml."""
    return f"{590000 + 100 * x0},{590000 + 100 * x1},{5200000 + 100 * y0},{5200000 + 100 * y1}"


def base(i, o, **overrides):
    values = {
        "INPUT": str(i / "fig.png"),
        "GCPS": str(i / "fig.points"),
        "TARGET_CRS": "EPSG:32632",
        "COLORMAP": "viridis",
        "VMIN": 0,
        "VMAX": 4000,
        "PLOT_AREA": sample_extents()["PLOT_AREA"],
        "OUTPUT": str(o / "decoded.tif"),
        "OUTPUT_POINTS": str(o / "points.gpkg"),
    }
    values.update(overrides)
    return {k: v for k, v in values.items() if v is not None}


def detect(i, o, **overrides):
    values = {
        "INPUT": str(i / "fig.png"),
        "OUTPUT_GCPS": str(o / "gcps.points"),
        "OUTPUT_REPORT": str(o / "report.html"),
    }
    values.update(overrides)
    return {k: v for k, v in values.items() if v is not None}


def layer_in(path, table="p", provider="ogr"):
    """An output layer ``table`` in the database file ``path``, as Processing spells it."""
    return f"{provider}:dbname='{path}' table=\"{table}\" (geom)"


def escaped_layer_in(path, table="p"):
    """``layer_in`` with the file name quoted as QGIS quotes it (a ' as \\')."""
    quoted = str(path).replace("\\", "\\\\").replace("'", "\\'")
    return f"ogr:dbname='{quoted}' table=\"{table}\" (geom)"


def _symlink(target, link):
    os.symlink(target, link)
    return str(link)


def _written(path, text, encoding="utf-8"):
    Path(path).write_bytes(text.encode(encoding))
    return str(path)


def _hardlink(target, link):
    os.link(target, link)
    return str(link)


CASES = [
    # Figures.
    ("INPUT text named .png", DECODE, lambda i, o: base(i, o, INPUT=str(i / "text.png"))),
    ("INPUT truncated PNG", DECODE, lambda i, o: base(i, o, INPUT=str(i / "truncated.png"))),
    ("INPUT truncated JPEG", DECODE, lambda i, o: base(i, o, INPUT=str(i / "truncated.jpg"))),
    ("INPUT chmod 000", DECODE, lambda i, o: base(i, o, INPUT=str(i / "unreadable.png"))),
    ("INPUT missing", DECODE, lambda i, o: base(i, o, INPUT=str(i / "missing.png"))),
    ("INPUT empty string", DECODE, lambda i, o: base(i, o, INPUT="")),
    ("INPUT 100000x100000 bomb", DECODE, lambda i, o: base(i, o, INPUT=str(i / "bomb.png"), PLOT_AREA=None)),
    ("INPUT 2^31x1 bomb", DECODE, lambda i, o: base(i, o, INPUT=str(i / "wide.png"), PLOT_AREA=None)),
    ("INPUT 16-bit grey PNG", DECODE, lambda i, o: base(i, o, INPUT=str(i / "grey16.png"))),
    ("INPUT palette+alpha", DECODE, lambda i, o: base(i, o, INPUT=str(i / "palette.png"))),
    ("INPUT CMYK JPEG", DECODE, lambda i, o: base(i, o, INPUT=str(i / "cmyk.jpg"))),
    ("INPUT animated GIF", DECODE, lambda i, o: base(i, o, INPUT=str(i / "anim.gif"))),
    ("INPUT 1x1", DECODE, lambda i, o: base(i, o, INPUT=str(i / "one_pixel.png"), PLOT_AREA=None)),
    (
        "INPUT 60000x1",
        DECODE,
        lambda i, o: base(
            i,
            o,
            INPUT=str(i / "one_row.png"),
            GCPS=str(i / "one_row.csv"),
            GCP_CRS="EPSG:4326",
            TARGET_CRS=None,
            PLOT_AREA=None,
        ),
    ),
    (
        "INPUT 2x2",
        DECODE,
        lambda i, o: base(
            i,
            o,
            INPUT=str(i / "two_by_two.png"),
            GCPS=str(i / "two_by_two.csv"),
            GCP_CRS="EPSG:4326",
            TARGET_CRS=None,
            PLOT_AREA=None,
        ),
    ),
    ("INPUT 1-bit TIFF", DECODE, lambda i, o: base(i, o, INPUT=str(i / "bilevel.tif"), PLOT_AREA=None)),
    ("detect INPUT 60000x1", DETECT, lambda i, o: detect(i, o, INPUT=str(i / "one_row.png"))),
    ("INPUT GeoTIFF 1 band", DECODE, lambda i, o: base(i, o, INPUT=str(i / "bands1.tif"), GCPS=None, PLOT_AREA=None)),
    ("INPUT GeoTIFF 2 bands", DECODE, lambda i, o: base(i, o, INPUT=str(i / "bands2.tif"), GCPS=None, PLOT_AREA=None)),
    ("INPUT GeoTIFF 4 bands", DECODE, lambda i, o: base(i, o, INPUT=str(i / "bands4.tif"), GCPS=None, PLOT_AREA=None)),
    # Numbers.
    ("VMIN == VMAX", DECODE, lambda i, o: base(i, o, VMIN=100, VMAX=100)),
    ("VMIN inf", DECODE, lambda i, o: base(i, o, VMIN="inf")),
    ("VMAX -inf", DECODE, lambda i, o: base(i, o, VMAX="-inf")),
    ("VMAX 1e308 numeric", DECODE, lambda i, o: base(i, o, VMAX=1e308)),
    ("VMIN negative, log scale", DECODE, lambda i, o: base(i, o, VMIN=-10, SCALE=1)),
    ("VMIN 0, log scale", DECODE, lambda i, o: base(i, o, VMIN=0, SCALE=1)),
    ("PIXEL_SIZE nan", DECODE, lambda i, o: base(i, o, PIXEL_SIZE="nan")),
    ("PIXEL_SIZE -1", DECODE, lambda i, o: base(i, o, PIXEL_SIZE=-1)),
    ("PIXEL_SIZE text", DECODE, lambda i, o: base(i, o, PIXEL_SIZE="250m")),
    ("DBSCAN_EPS nan", DECODE, lambda i, o: base(i, o, DBSCAN_EPS="nan")),
    ("DBSCAN_EPS inf", DECODE, lambda i, o: base(i, o, DBSCAN_EPS="inf")),
    ("DBSCAN_EPS 0", DECODE, lambda i, o: base(i, o, DBSCAN_EPS=0)),
    ("DBSCAN_MIN_SAMPLES 2^40", DECODE, lambda i, o: base(i, o, DBSCAN_MIN_SAMPLES=2**40)),
    ("DBSCAN_MIN_SAMPLES 1e9", DECODE, lambda i, o: base(i, o, DBSCAN_MIN_SAMPLES=10**9)),
    ("DBSCAN_MIN_SAMPLES -3", DECODE, lambda i, o: base(i, o, DBSCAN_MIN_SAMPLES=-3)),
    ("DBSCAN_MIN_SAMPLES 2.5", DECODE, lambda i, o: base(i, o, DBSCAN_MIN_SAMPLES=2.5)),
    ("FLAT_TOLERANCE nan", DECODE, lambda i, o: base(i, o, FLAT_TOLERANCE="nan")),
    ("FLAT_TOLERANCE -1", DECODE, lambda i, o: base(i, o, FLAT_TOLERANCE=-1)),
    ("MAX_COLOR_DISTANCE inf", DECODE, lambda i, o: base(i, o, MAX_COLOR_DISTANCE="inf")),
    ("MAX_COLOR_DISTANCE 1e9", DECODE, lambda i, o: base(i, o, MAX_COLOR_DISTANCE=1e9)),
    ("TRANSFORM 99", DECODE, lambda i, o: base(i, o, TRANSFORM=99)),
    ("TRANSFORM -1", DECODE, lambda i, o: base(i, o, TRANSFORM=-1)),
    ("SCALE 7", DECODE, lambda i, o: base(i, o, SCALE=7)),
    ("MATCH_SPACE 9", DECODE, lambda i, o: base(i, o, MATCH_SPACE=9)),
    ("LEVELS unsorted", DECODE, lambda i, o: base(i, o, LEVELS="0,2000,1000,4000")),
    ("LEVELS duplicated", DECODE, lambda i, o: base(i, o, LEVELS="0,1000,1000,4000")),
    ("LEVELS one value", DECODE, lambda i, o: base(i, o, LEVELS="1000")),
    ("LEVELS letters", DECODE, lambda i, o: base(i, o, LEVELS="low,high")),
    ("LEVELS inf", DECODE, lambda i, o: base(i, o, LEVELS="0,1000,inf")),
    ("LEVELS 1e39", DECODE, lambda i, o: base(i, o, LEVELS="0,1000,1e39")),
    ("LEVELS empty items", DECODE, lambda i, o: base(i, o, LEVELS=",,,")),
    ("LEVELS outside VMIN..VMAX", DECODE, lambda i, o: base(i, o, LEVELS="5000,6000,7000")),
    ("COLORMAP unknown", DECODE, lambda i, o: base(i, o, COLORMAP="no_such_map")),
    ("COLORMAP a folder", DECODE, lambda i, o: base(i, o, COLORMAP=str(i))),
    ("COLORMAP the figure", DECODE, lambda i, o: base(i, o, COLORMAP=str(i / "fig.png"))),
    (
        "COLORMAP cpt chmod 000",
        DECODE,
        lambda i, o: base(i, o, COLORMAP=str(i / "unreadable.cpt"), VMIN=None, VMAX=None),
    ),
    # GCPs.
    ("GCPS empty file", DECODE, lambda i, o: base(i, o, GCPS=str(i / "empty.points"))),
    ("GCPS one point", DECODE, lambda i, o: base(i, o, GCPS=str(i / "one.points"))),
    ("GCPS two points", DECODE, lambda i, o: base(i, o, GCPS=str(i / "two.points"))),
    ("GCPS two points, Helmert", DECODE, lambda i, o: base(i, o, GCPS=str(i / "two.points"), TRANSFORM=4)),
    ("GCPS collinear", DECODE, lambda i, o: base(i, o, GCPS=str(i / "collinear.points"))),
    ("GCPS collinear, TPS", DECODE, lambda i, o: base(i, o, GCPS=str(i / "collinear.points"), TRANSFORM=3)),
    ("GCPS collinear, projective", DECODE, lambda i, o: base(i, o, GCPS=str(i / "collinear.points"), TRANSFORM=5)),
    ("GCPS 4 for polynomial 3", DECODE, lambda i, o: base(i, o, TRANSFORM=3 - 1)),
    ("GCPS CRLF+BOM .points", DECODE, lambda i, o: base(i, o, GCPS=str(i / "crlf_bom.points"))),
    ("GCPS non-UTF-8 comment", DECODE, lambda i, o: base(i, o, GCPS=str(i / "latin1.points"))),
    ("GCPS binary", DECODE, lambda i, o: base(i, o, GCPS=str(i / "binary.points"))),
    ("GCPS header only", DECODE, lambda i, o: base(i, o, GCPS=str(i / "header_only.points"))),
    ("GCPS NaN .points", DECODE, lambda i, o: base(i, o, GCPS=str(i / "nan.points"))),
    ("GCPS swapped axes", DECODE, lambda i, o: base(i, o, GCPS=str(i / "swapped.points"))),
    ("GCPS 1e300 .points", DECODE, lambda i, o: base(i, o, GCPS=str(i / "huge.points"))),
    ("GCPS no header", DECODE, lambda i, o: base(i, o, GCPS=str(i / "no_header.points"), GCP_CRS="EPSG:32632")),
    ("GCPS old header", DECODE, lambda i, o: base(i, o, GCPS=str(i / "old_header.points"), GCP_CRS="EPSG:32632")),
    ("GCPS tabs", DECODE, lambda i, o: base(i, o, GCPS=str(i / "tabs.points"))),
    ("GCPS semicolons", DECODE, lambda i, o: base(i, o, GCPS=str(i / "semicolon.points"))),
    ("GCPS all disabled", DECODE, lambda i, o: base(i, o, GCPS=str(i / "all_disabled.points"))),
    (
        "GCPS 6 on a circle, polynomial 2",
        DECODE,
        lambda i, o: base(i, o, GCPS=str(i / "circle6.csv"), GCP_CRS="EPSG:32632", TRANSFORM=1),
    ),
    (
        "GCPS 12 on a circle, polynomial 3",
        DECODE,
        lambda i, o: base(i, o, GCPS=str(i / "circle12.csv"), GCP_CRS="EPSG:32632", TRANSFORM=2),
    ),
    (
        "GCPS same pixel twice, TPS",
        DECODE,
        lambda i, o: base(i, o, GCPS=str(i / "same_pixel.csv"), GCP_CRS="EPSG:32632", TRANSFORM=3),
    ),
    (
        "GCPS pixels 1e-7 apart, TPS",
        DECODE,
        lambda i, o: base(i, o, GCPS=str(i / "near_pixel.csv"), GCP_CRS="EPSG:32632", TRANSFORM=3),
    ),
    (
        "GCPS same pixel twice, affine",
        DECODE,
        lambda i, o: base(i, o, GCPS=str(i / "same_pixel.csv"), GCP_CRS="EPSG:32632"),
    ),
    (
        "GCPS 3 of 4 collinear, projective",
        DECODE,
        lambda i, o: base(i, o, GCPS=str(i / "projective_collinear.csv"), GCP_CRS="EPSG:32632", TRANSFORM=5),
    ),
    ("GCPS one map point for all", DECODE, lambda i, o: base(i, o, GCPS=str(i / "same_map.csv"), GCP_CRS="EPSG:32632")),
    (
        "GCPS collinear map points",
        DECODE,
        lambda i, o: base(i, o, GCPS=str(i / "collinear_map.csv"), GCP_CRS="EPSG:32632"),
    ),
    (
        "GCPS one map point, Helmert",
        DECODE,
        lambda i, o: base(i, o, GCPS=str(i / "same_map.csv"), GCP_CRS="EPSG:32632", TRANSFORM=4),
    ),
    ("GCPS not GCPs csv", DECODE, lambda i, o: base(i, o, GCPS=str(i / "not_gcps.csv"), GCP_CRS="EPSG:32632")),
    ("GCPS chmod 000", DECODE, lambda i, o: base(i, o, GCPS=str(i / "unreadable.points"))),
    ("GCPS missing", DECODE, lambda i, o: base(i, o, GCPS=str(i / "missing.points"))),
    ("GCPS a folder", DECODE, lambda i, o: base(i, o, GCPS=str(i))),
    ("GCP_CRS geographic for UTM numbers", DECODE, lambda i, o: base(i, o, GCP_CRS="EPSG:4326")),
    ("GCP_CRS EPSG:0", DECODE, lambda i, o: base(i, o, GCP_CRS="EPSG:0")),
    ("TARGET_CRS engineering", DECODE, lambda i, o: base(i, o, TARGET_CRS="+proj=geocent")),
    ("TARGET_CRS ortho far side", DECODE, lambda i, o: base(i, o, TARGET_CRS="+proj=ortho +lon_0=-170 +lat_0=-40")),
    # Boxes.
    ("PLOT_AREA outside the image", DECODE, lambda i, o: base(i, o, PLOT_AREA="5000,6000,-5000,-4000")),
    ("PLOT_AREA inverted", DECODE, lambda i, o: base(i, o, PLOT_AREA="600,100,-100,-500")),
    ("PLOT_AREA positive y", DECODE, lambda i, o: base(i, o, PLOT_AREA="100,600,100,500")),
    ("PLOT_AREA half outside", DECODE, lambda i, o: base(i, o, PLOT_AREA="-500,400,-300,200")),
    ("PLOT_AREA three numbers", DECODE, lambda i, o: base(i, o, PLOT_AREA="1,2,3")),
    ("PLOT_AREA 1e300", DECODE, lambda i, o: base(i, o, PLOT_AREA="-1e300,1e300,-1e300,1e300")),
    ("COLORBAR outside the image", DECODE, lambda i, o: base(i, o, COLORMAP="", COLORBAR="5000,5010,-900,-100")),
    ("COLORBAR inverted", DECODE, lambda i, o: base(i, o, COLORMAP="", COLORBAR="800,780,-100,-500")),
    (
        "MASK_WKT covering everything",
        DECODE,
        lambda i, o: base(i, o, MASK_WKT="POLYGON((-10 10, 2000 10, 2000 -2000, -10 -2000, -10 10))"),
    ),
    (
        "MASK_WKT self-intersecting",
        DECODE,
        lambda i, o: base(i, o, MASK_WKT="POLYGON((0 0, 100 -100, 100 0, 0 -100, 0 0))"),
    ),
    ("MASK missing layer", DECODE, lambda i, o: base(i, o, MASK=str(i / "missing.gpkg"))),
    # Outputs.
    ("OUTPUT in a read-only folder", DECODE, lambda i, o: base(i, o, OUTPUT=str(i / "readonly" / "d.tif"))),
    (
        "OUTPUT_POINTS in a read-only folder",
        DECODE,
        lambda i, o: base(i, o, OUTPUT_POINTS=str(i / "readonly" / "p.gpkg")),
    ),
    (
        "OUTPUT_REPORT in a read-only folder",
        DECODE,
        lambda i, o: base(i, o, OUTPUT_REPORT=str(i / "readonly" / "r.html")),
    ),
    ("OUTPUT_POINTS is the figure", DECODE, lambda i, o: base(i, o, OUTPUT_POINTS=str(i / "fig.png"))),
    ("OUTPUT_POINTS is the GCP file (.points)", DECODE, lambda i, o: base(i, o, OUTPUT_POINTS=str(i / "fig.points"))),
    (
        "OUTPUT_POINTS symlink to GCPs",
        DECODE,
        lambda i, o: base(i, o, OUTPUT_POINTS=_symlink(i / "fig.points", o / "p.gpkg")),
    ),
    (
        "OUTPUT_POINTS ogr:dbname= the figure",
        DECODE,
        lambda i, o: base(i, o, OUTPUT_POINTS=layer_in(i / "fig.png", "p")),
    ),
    (
        "OUTPUT_POINTS ogr:dbname= GCPs via ..",
        DECODE,
        lambda i, o: base(i, o, OUTPUT_POINTS=layer_in(f"{o}/../{i.name}/fig.points")),
    ),
    ("OUTPUT_POINTS spatialite", DECODE, lambda i, o: base(i, o, OUTPUT_POINTS=layer_in(o / "p.sqlite", "points"))),
    (
        "OUTPUT_POINTS spatialite on the figure",
        DECODE,
        lambda i, o: base(i, o, OUTPUT_POINTS=layer_in(i / "fig.png", "p", "spatialite")),
    ),
    (
        "OUTPUT_POINTS postgres unreachable",
        DECODE,
        lambda i, o: base(
            i, o, OUTPUT_POINTS='postgres://dbname=\'nodb\' host=127.0.0.1 port=1 table="public"."p" (geom)'
        ),
    ),
    ("OUTPUT_POINTS shapefile", DECODE, lambda i, o: base(i, o, OUTPUT_POINTS=str(o / "p.shp"))),
    ("OUTPUT_POINTS csv", DECODE, lambda i, o: base(i, o, OUTPUT_POINTS=str(o / "p.csv"))),
    ("OUTPUT_POINTS xyz extension", DECODE, lambda i, o: base(i, o, OUTPUT_POINTS=str(o / "p.xyz"))),
    ("OUTPUT_POINTS shapefile onto GCP .dbf name", DECODE, lambda i, o: base(i, o, OUTPUT_POINTS=str(i / "fig.shp"))),
    ("OUTPUT_POINTS a folder", DECODE, lambda i, o: base(i, o, OUTPUT_POINTS=str(i / "readonly"))),
    ("OUTPUT_REPORT a folder", DECODE, lambda i, o: base(i, o, OUTPUT_REPORT=str(i / "readonly"))),
    (
        "OUTPUT_REPORT sidecar on GCPs",
        DECODE,
        lambda i, o: base(i, o, OUTPUT_REPORT=str(i / "fig.html"), GCPS=str(i / "fig.json"))
        if shutil.copy(i / "fig.points", i / "fig.json")
        else None,
    ),
    ("OUTPUT hard link to the figure", DECODE, lambda i, o: base(i, o, OUTPUT=_hardlink(i / "fig.png", o / "h.tif"))),
    ("OUTPUT symlink into a loop", DECODE, lambda i, o: base(i, o, OUTPUT=_symlink(o / "loop.tif", o / "loop.tif"))),
    (
        "OUTPUT dangling symlink",
        DECODE,
        lambda i, o: base(i, o, OUTPUT=_symlink(i / "nowhere" / "x.tif", o / "dangle.tif")),
    ),
    ("OUTPUT .aux.xml of the figure", DECODE, lambda i, o: base(i, o, OUTPUT=str(i / "fig.png.aux.xml"))),
    ("OUTPUT empty", DECODE, lambda i, o: base(i, o, OUTPUT="")),
    ("OUTPUT_POINTS memory:", DECODE, lambda i, o: base(i, o, OUTPUT_POINTS="memory:")),
    (
        "OUTPUT_POINTS into the MASK GeoPackage, same layer",
        DECODE,
        lambda i, o: base(
            i, o, MASK=str(i / "mask.gpkg") + "|layername=mask", OUTPUT_POINTS=layer_in(i / "mask.gpkg", "mask")
        ),
    ),
    (
        "OUTPUT_POINTS into the MASK GeoPackage, other layer",
        DECODE,
        lambda i, o: base(i, o, MASK=str(i / "mask.gpkg"), OUTPUT_POINTS=layer_in(i / "mask.gpkg", "points")),
    ),
    (
        "OUTPUT_POINTS into the MASK SQLite",
        DECODE,
        lambda i, o: base(i, o, MASK=str(i / "mask.sqlite"), OUTPUT_POINTS=layer_in(i / "mask.sqlite", "points")),
    ),
    (
        "OUTPUT_POINTS spatialite: into the MASK SQLite",
        DECODE,
        lambda i, o: base(
            i, o, MASK=str(i / "mask.sqlite"), OUTPUT_POINTS=layer_in(i / "mask.sqlite", "points", "spatialite")
        ),
    ),
    (
        "OUTPUT into the MASK GeoPackage (raster)",
        DECODE,
        lambda i, o: base(i, o, MASK=str(i / "mask.gpkg"), OUTPUT=str(i / "mask.gpkg")),
    ),
    ("OUTPUT name of 300 bytes", DECODE, lambda i, o: base(i, o, OUTPUT=str(o / ("a" * 300 + ".tif")))),
    ("OUTPUT_POINTS name of 300 bytes", DECODE, lambda i, o: base(i, o, OUTPUT_POINTS=str(o / ("a" * 300 + ".gpkg")))),
    ("OUTPUT_REPORT name of 300 bytes", DECODE, lambda i, o: base(i, o, OUTPUT_REPORT=str(o / ("a" * 300 + ".html")))),
    ("OUTPUT memory:", DECODE, lambda i, o: base(i, o, OUTPUT="memory:")),
    ("OUTPUT /vsimem", DECODE, lambda i, o: base(i, o, OUTPUT="/vsimem/x.tif")),
    ("OUTPUT_REPORT /vsimem", DECODE, lambda i, o: base(i, o, OUTPUT_REPORT="/vsimem/r.html")),
    ("OUTPUT dot", DECODE, lambda i, o: base(i, o, OUTPUT=".")),
    ("OUTPUT with NUL", DECODE, lambda i, o: base(i, o, OUTPUT=str(o / "a\x00b.tif"))),
    ("OUTPUT_POINTS with NUL", DECODE, lambda i, o: base(i, o, OUTPUT_POINTS=str(o / "a\x00b.gpkg"))),
    ("OUTPUT_REPORT with NUL", DECODE, lambda i, o: base(i, o, OUTPUT_REPORT=str(o / "a\x00b.html"))),
    ("INPUT with NUL", DECODE, lambda i, o: base(i, o, INPUT=str(i / "fig.png") + "\x00x")),
    ("GCPS with NUL", DECODE, lambda i, o: base(i, o, GCPS=str(i / "fig.points") + "\x00x")),
    ("COLORMAP with NUL", DECODE, lambda i, o: base(i, o, COLORMAP="/tmp/x\x00.cpt")),
    ("COLORMAP 10k chars", DECODE, lambda i, o: base(i, o, COLORMAP="v" * 10000)),
    ("COLORMAP cpt-city traversal", DECODE, lambda i, o: base(i, o, COLORMAP="cpt-city:../../../../../../etc/passwd")),
    ("COLORMAP cpt: /etc/passwd", DECODE, lambda i, o: base(i, o, COLORMAP="cpt:/etc/passwd", VMIN=None, VMAX=None)),
    ("MASK_WKT with NUL", DECODE, lambda i, o: base(i, o, MASK_WKT="POLYGON((0 0, 1 0, 1 1, 0 0))\x00")),
    ("LEVELS with NUL", DECODE, lambda i, o: base(i, o, LEVELS="0,1000\x00,2000")),
    ("GCP_CRS vertical", DECODE, lambda i, o: base(i, o, GCP_CRS="EPSG:5773")),
    ("GCP_CRS geocentric", DECODE, lambda i, o: base(i, o, GCP_CRS="EPSG:4978")),
    ("TARGET_CRS vertical", DECODE, lambda i, o: base(i, o, TARGET_CRS="EPSG:5773")),
    ("TARGET_CRS compound", DECODE, lambda i, o: base(i, o, TARGET_CRS="EPSG:32632+5773")),
    ("GCP_CRS with NUL", DECODE, lambda i, o: base(i, o, GCP_CRS="EPSG:32632\x00")),
    ("PLOT_AREA with NUL", DECODE, lambda i, o: base(i, o, PLOT_AREA="100,600,-500,-100\x00")),
    ("VMIN with NUL", DECODE, lambda i, o: base(i, o, VMIN="0\x00")),
    ("SCALE log, LEVELS with 0", DECODE, lambda i, o: base(i, o, SCALE=1, LEVELS="0,10,100,1000")),
    ("detect INPUT with NUL", DETECT, lambda i, o: detect(i, o, INPUT=str(i / "fig.png") + "\x00")),
    ("detect OUTPUT_GCPS with NUL", DETECT, lambda i, o: detect(i, o, OUTPUT_GCPS=str(o / "g\x00.points"))),
    ("detect OUTPUT_GCPS 300 bytes", DETECT, lambda i, o: detect(i, o, OUTPUT_GCPS=str(o / ("g" * 300 + ".points")))),
    ("detect GCP_CRS vertical", DETECT, lambda i, o: detect(i, o, GCP_CRS="EPSG:5773")),
    # detectfigure.
    ("detect INPUT text named .png", DETECT, lambda i, o: detect(i, o, INPUT=str(i / "text.png"))),
    ("detect INPUT bomb", DETECT, lambda i, o: detect(i, o, INPUT=str(i / "bomb.png"))),
    ("detect INPUT 1x1", DETECT, lambda i, o: detect(i, o, INPUT=str(i / "one_pixel.png"))),
    ("detect INPUT 16-bit", DETECT, lambda i, o: detect(i, o, INPUT=str(i / "grey16.png"))),
    ("detect INPUT GeoTIFF 2 bands", DETECT, lambda i, o: detect(i, o, INPUT=str(i / "bands2.tif"))),
    ("detect INPUT chmod 000", DETECT, lambda i, o: detect(i, o, INPUT=str(i / "unreadable.png"))),
    ("detect OUTPUT_GCPS on the figure", DETECT, lambda i, o: detect(i, o, OUTPUT_GCPS=str(i / "fig.png"))),
    (
        "detect OUTPUT_GCPS symlink to the figure",
        DETECT,
        lambda i, o: detect(i, o, OUTPUT_GCPS=_symlink(i / "fig.png", o / "g.points")),
    ),
    (
        "detect OUTPUT_GCPS == OUTPUT_REPORT",
        DETECT,
        lambda i, o: detect(i, o, OUTPUT_GCPS=str(o / "same.html"), OUTPUT_REPORT=str(o / "same.html")),
    ),
    ("detect OUTPUT_GCPS on report sidecar", DETECT, lambda i, o: detect(i, o, OUTPUT_GCPS=str(o / "report.json"))),
    (
        "detect OUTPUT_GCPS read-only folder",
        DETECT,
        lambda i, o: detect(i, o, OUTPUT_GCPS=str(i / "readonly" / "g.points")),
    ),
    ("detect OUTPUT_GCPS a folder", DETECT, lambda i, o: detect(i, o, OUTPUT_GCPS=str(i / "readonly"))),
    (
        "detect OUTPUT_REPORT under a file",
        DETECT,
        lambda i, o: detect(i, o, OUTPUT_REPORT=str(i / "fig.png" / "r.html")),
    ),
    ("detect GCP_CRS garbage", DETECT, lambda i, o: detect(i, o, GCP_CRS="garbage")),
    # Names with spaces, non-ASCII letters and quotes.
    (
        "INPUT and GCPS named with spaces, umlauts and quotes",
        DECODE,
        lambda i, o: base(i, o, INPUT=str(i / ODD_FOLDER / ODD_FIGURE), GCPS=str(i / ODD_FOLDER / ODD_GCPS)),
    ),
    (
        "outputs named with spaces, umlauts and quotes",
        DECODE,
        lambda i, o: base(
            i,
            o,
            OUTPUT=str(o / "Ergebnis 'final' \"v2\" – Höhe.tif"),
            OUTPUT_POINTS=str(o / "Punkte 'alle' ü.gpkg"),
            OUTPUT_REPORT=str(o / "Bericht 'ü' \"x\".html"),
            OUTPUT_DISTANCE=str(o / "Abstand ΔE.tif"),
        ),
    ),
    (
        "detect outputs named with quotes and umlauts",
        DETECT,
        lambda i, o: detect(
            i,
            o,
            INPUT=str(i / ODD_FOLDER / ODD_FIGURE),
            OUTPUT_GCPS=str(o / "Passpunkte 'ü'.points"),
            OUTPUT_REPORT=str(o / 'Bericht "ü".html'),
        ),
    ),
    (
        "OUTPUT_POINTS layer in a GeoPackage named with a quote",
        DECODE,
        lambda i, o: base(i, o, OUTPUT_POINTS=layer_in(o / "it's.gpkg", "p")),
    ),
    (
        "OUTPUT_POINTS layer in a GeoPackage named with a quote, escaped",
        DECODE,
        lambda i, o: base(i, o, OUTPUT_POINTS=escaped_layer_in(o / "it's.gpkg")),
    ),
    (
        "OUTPUT_POINTS layer named with quotes",
        DECODE,
        lambda i, o: base(i, o, OUTPUT_POINTS=layer_in(o / "p.gpkg", "Punkte 'ü'")),
    ),
    # An input written to by another spelling of its name.
    ("OUTPUT the figure by a relative path", DECODE, lambda i, o: base(i, o, OUTPUT=os.path.relpath(i / "fig.png"))),
    ("OUTPUT the figure via ..", DECODE, lambda i, o: base(i, o, OUTPUT=f"{o}/../{i.name}/fig.png")),
    ("OUTPUT the figure via //./", DECODE, lambda i, o: base(i, o, OUTPUT=f"{i}//./fig.png")),
    ("OUTPUT the figure as a file:// URL", DECODE, lambda i, o: base(i, o, OUTPUT=(i / "fig.png").as_uri())),
    (
        "OUTPUT the figure through a symlinked folder",
        DECODE,
        lambda i, o: base(i, o, OUTPUT=_symlink(i, o / "linked") + "/fig.png"),
    ),
    ("OUTPUT in upper case of the figure's name", DECODE, lambda i, o: base(i, o, OUTPUT=str(i / "FIG.PNG"))),
    (
        "OUTPUT_REPORT hard link to the GCPs",
        DECODE,
        lambda i, o: base(i, o, OUTPUT_REPORT=_hardlink(i / "fig.points", o / "r.html")),
    ),
    (
        "OUTPUT_POINTS hard link to the figure",
        DECODE,
        lambda i, o: base(i, o, OUTPUT_POINTS=_hardlink(i / "fig.png", o / "p.gpkg")),
    ),
    (
        "OUTPUT_DISTANCE == OUTPUT by another spelling",
        DECODE,
        lambda i, o: base(i, o, OUTPUT_DISTANCE=f"{o}/./decoded.tif"),
    ),
    (
        "OUTPUT_RECONSTRUCTION == OUTPUT through a symlink",
        DECODE,
        lambda i, o: base(i, o, OUTPUT_RECONSTRUCTION=_symlink(o / "decoded.tif", o / "r.tif")),
    ),
    (
        "OUTPUT_REPORT's JSON twin is the GCP file",
        DECODE,
        lambda i, o: base(i, o, OUTPUT_REPORT=str(i / "fig.html"), GCPS=str(i / "fig.json"))
        if shutil.copy(i / "fig.points", i / "fig.json")
        else None,
    ),
    ("detect OUTPUT_GCPS the figure via ..", DETECT, lambda i, o: detect(i, o, OUTPUT_GCPS=f"{o}/../{i.name}/fig.png")),
    (
        "detect OUTPUT_REPORT hard link to the figure",
        DETECT,
        lambda i, o: detect(i, o, OUTPUT_REPORT=_hardlink(i / "fig.png", o / "r.html")),
    ),
    # Empty, lying and unusual images.
    ("INPUT zero-size PNG", DECODE, lambda i, o: base(i, o, INPUT=str(i / "empty.png"))),
    ("INPUT zero-size JPEG", DECODE, lambda i, o: base(i, o, INPUT=str(i / "empty.jpg"))),
    ("INPUT PNG header only", DECODE, lambda i, o: base(i, o, INPUT=str(i / "header_only.png"))),
    ("INPUT JPEG declaring 65000x65000", DECODE, lambda i, o: base(i, o, INPUT=str(i / "bomb.jpg"), PLOT_AREA=None)),
    ("INPUT 16-bit RGB PNG", DECODE, lambda i, o: base(i, o, INPUT=str(i / "rgb16.png"))),
    ("INPUT APNG", DECODE, lambda i, o: base(i, o, INPUT=str(i / "anim.png"))),
    ("INPUT multi-page TIFF", DECODE, lambda i, o: base(i, o, INPUT=str(i / "pages.tif"))),
    ("INPUT grey+alpha PNG", DECODE, lambda i, o: base(i, o, INPUT=str(i / "grey_alpha.png"))),
    ("INPUT WebP", DECODE, lambda i, o: base(i, o, INPUT=str(i / "fig.webp"))),
    ("detect INPUT zero-size JPEG", DETECT, lambda i, o: detect(i, o, INPUT=str(i / "empty.jpg"))),
    ("detect INPUT JPEG declaring 65000x65000", DETECT, lambda i, o: detect(i, o, INPUT=str(i / "bomb.jpg"))),
    ("detect INPUT multi-page TIFF", DETECT, lambda i, o: detect(i, o, INPUT=str(i / "pages.tif"))),
    # GCP files.
    ("GCPS inf .points", DECODE, lambda i, o: base(i, o, GCPS=str(i / "inf.points"))),
    ("GCPS -inf pixel", DECODE, lambda i, o: base(i, o, GCPS=str(i / "minus_inf_pixel.points"))),
    ("GCPS every row twice", DECODE, lambda i, o: base(i, o, GCPS=str(i / "every_row_twice.points"))),
    ("GCPS one row five times", DECODE, lambda i, o: base(i, o, GCPS=str(i / "one_row_five_times.points"))),
    ("GCPS #CRS non-ASCII text", DECODE, lambda i, o: base(i, o, GCPS=str(i / "crs_non_ascii.points"))),
    ("GCPS #CRS WKT with non-ASCII name", DECODE, lambda i, o: base(i, o, GCPS=str(i / "crs_wkt_non_ascii.points"))),
    # CRS strings.
    ("GCP_CRS non-ASCII text", DECODE, lambda i, o: base(i, o, GCP_CRS="Höhe über NN (Südtirol)")),
    (
        "TARGET_CRS PROJ with a non-ASCII word",
        DECODE,
        lambda i, o: base(i, o, TARGET_CRS="+proj=utm +zone=32 +datum=WGS84 +title=Südtirol"),
    ),
    ("detect GCP_CRS non-ASCII text", DETECT, lambda i, o: detect(i, o, GCP_CRS="Gauß-Krüger Zone 4")),
    # Layers.
    ("MASK empty layer", DECODE, lambda i, o: base(i, o, MASK=str(i / "empty_mask.gpkg"))),
    ("MASK a point layer", DECODE, lambda i, o: base(i, o, MASK=str(i / "point_mask.gpkg"))),
    ("MASK features without geometry", DECODE, lambda i, o: base(i, o, MASK=str(i / "null_mask.gpkg"))),
    # Values of the wrong type, as a JSON parameter file (qgis_process) or a script gives them.
    ("LEVELS as a JSON list", DECODE, lambda i, o: base(i, o, LEVELS=[0, 1000, 2000, 4000])),
    ("LEVELS as a list of text", DECODE, lambda i, o: base(i, o, LEVELS=["0", "1000", "x"])),
    ("VMIN as a list", DECODE, lambda i, o: base(i, o, VMIN=[0])),
    ("VMAX as a dict", DECODE, lambda i, o: base(i, o, VMAX={"value": 4000})),
    ("VMIN as true", DECODE, lambda i, o: base(i, o, VMIN=True)),
    ("VMAX as text with a comma decimal", DECODE, lambda i, o: base(i, o, VMAX="4000,5")),
    ("TRANSFORM as text", DECODE, lambda i, o: base(i, o, TRANSFORM="affine")),
    ("TRANSFORM 1.5", DECODE, lambda i, o: base(i, o, TRANSFORM=1.5)),
    ("TRANSFORM as a list", DECODE, lambda i, o: base(i, o, TRANSFORM=[0, 1])),
    ("DENOISE as text 'yes'", DECODE, lambda i, o: base(i, o, DENOISE="yes")),
    ("DENOISE as 2", DECODE, lambda i, o: base(i, o, DENOISE=2)),
    ("PLOT_AREA as a list", DECODE, lambda i, o: base(i, o, PLOT_AREA=[100, 600, -500, -100])),
    ("PIXEL_SIZE empty text", DECODE, lambda i, o: base(i, o, PIXEL_SIZE="")),
    ("INPUT a number", DECODE, lambda i, o: base(i, o, INPUT=42)),
    ("INPUT a list of two figures", DECODE, lambda i, o: base(i, o, INPUT=[str(i / "fig.png"), str(i / "fig.jpg")])),
    ("OUTPUT a number", DECODE, lambda i, o: base(i, o, OUTPUT=7)),
    ("OUTPUT_POINTS a dict", DECODE, lambda i, o: base(i, o, OUTPUT_POINTS={"sink": "x"})),
    ("GCPS a list", DECODE, lambda i, o: base(i, o, GCPS=[str(i / "fig.points")])),
    ("COLORMAP a number", DECODE, lambda i, o: base(i, o, COLORMAP=5)),
    ("MASK_WKT a number", DECODE, lambda i, o: base(i, o, MASK_WKT=3)),
    ("TARGET_CRS a number", DECODE, lambda i, o: base(i, o, TARGET_CRS=32632)),
    ("GCP_CRS a list", DECODE, lambda i, o: base(i, o, GCP_CRS=["EPSG:32632"])),
    ("detect GCP_CRS a number", DETECT, lambda i, o: detect(i, o, GCP_CRS=4326)),
    ("detect OUTPUT_GCPS a number", DETECT, lambda i, o: detect(i, o, OUTPUT_GCPS=3)),
    # LEVELS against VMIN..VMAX.
    ("LEVELS below VMIN, two classes", DECODE, lambda i, o: base(i, o, VMIN=1000, LEVELS="0,400,800,2000,4000")),
    ("LEVELS in km, VMIN/VMAX in m", DECODE, lambda i, o: base(i, o, LEVELS="0,1,2,3,4")),
    ("LEVELS with VMIN above VMAX", DECODE, lambda i, o: base(i, o, VMIN=4000, VMAX=0, LEVELS="0,1000,2000,4000")),
    (
        "LEVELS inside a wider VMIN..VMAX",
        DECODE,
        lambda i, o: base(i, o, VMIN=-1000, VMAX=5000, LEVELS="0,1000,2000,3000,4000"),
    ),
    # Third round (attack29): layers QGIS opens, point formats, images and GCPs that lie.
    ("MASK a named pipe", DECODE, lambda i, o: base(i, o, MASK=_fifo(i / "pipe.gpkg"))),
    (
        "MASK a named pipe with a layer name",
        DECODE,
        lambda i, o: base(i, o, MASK=_fifo(i / "pipe.gpkg") + "|layername=mask"),
    ),
    ("MASK /dev/zero", DECODE, lambda i, o: base(i, o, MASK="/dev/zero")),
    ("detect INPUT a named pipe", DETECT, lambda i, o: detect(i, o, INPUT=_fifo(i / "pipe.png"))),
    ("detect INPUT /dev/zero", DETECT, lambda i, o: detect(i, o, INPUT="/dev/zero")),
    ("OUTPUT_POINTS .gpx", DECODE, lambda i, o: base(i, o, OUTPUT_POINTS=str(o / "p.gpx"))),
    ("OUTPUT_POINTS .dxf", DECODE, lambda i, o: base(i, o, OUTPUT_POINTS=str(o / "p.dxf"))),
    ("OUTPUT_POINTS .dgn", DECODE, lambda i, o: base(i, o, OUTPUT_POINTS=str(o / "p.dgn"))),
    ("OUTPUT_POINTS .gmt", DECODE, lambda i, o: base(i, o, OUTPUT_POINTS=str(o / "p.gmt"))),
    ("OUTPUT_POINTS .txt (Geoconcept)", DECODE, lambda i, o: base(i, o, OUTPUT_POINTS=str(o / "p.txt"))),
    ("OUTPUT_POINTS .kml", DECODE, lambda i, o: base(i, o, OUTPUT_POINTS=str(o / "p.kml"))),
    ("OUTPUT_POINTS .fgb", DECODE, lambda i, o: base(i, o, OUTPUT_POINTS=str(o / "p.fgb"))),
    ("OUTPUT_POINTS .xlsx", DECODE, lambda i, o: base(i, o, OUTPUT_POINTS=str(o / "p.xlsx"))),
    ("OUTPUT_POINTS .gml", DECODE, lambda i, o: base(i, o, OUTPUT_POINTS=str(o / "p.gml"))),
    ("OUTPUT_POINTS .tab", DECODE, lambda i, o: base(i, o, OUTPUT_POINTS=str(o / "p.tab"))),
    ("OUTPUT a named pipe", DECODE, lambda i, o: base(i, o, OUTPUT=_fifo(o / "pipe.tif"))),
    ("OUTPUT_POINTS a named pipe", DECODE, lambda i, o: base(i, o, OUTPUT_POINTS=_fifo(o / "pipe.gpkg"))),
    ("OUTPUT_REPORT a named pipe", DECODE, lambda i, o: base(i, o, OUTPUT_REPORT=_fifo(o / "pipe.html"))),
    ("OUTPUT in a folder that does not exist", DECODE, lambda i, o: base(i, o, OUTPUT=str(o / "new" / "d.tif"))),
    ("PLOT_AREA of zero width", DECODE, lambda i, o: base(i, o, PLOT_AREA="300,300,-518,-87")),
    ("PLOT_AREA of one pixel", DECODE, lambda i, o: base(i, o, PLOT_AREA="300,301,-301,-300")),
    (
        "COLORBAR box on the map",
        DECODE,
        lambda i, o: base(i, o, COLORMAP="", COLORBAR="300,320,-400,-200"),
    ),
    ("GCPS .points with pixel y = +row", DECODE, lambda i, o: base(i, o, GCPS=str(i / "plus_row.points"))),
    ("INPUT JPEG with EXIF 'rotate 90°'", DECODE, lambda i, o: base(i, o, INPUT=str(i / "exif_rotated.jpg"))),
    ("INPUT progressive JPEG", DECODE, lambda i, o: base(i, o, INPUT=str(i / "progressive.jpg"))),
    ("INPUT PNG wholly transparent", DECODE, lambda i, o: base(i, o, INPUT=str(i / "transparent.png"))),
    ("INPUT a VRT of the figure", DECODE, lambda i, o: base(i, o, INPUT=str(i / "fig.vrt"))),
    ("INPUT /vsizip/ path", DECODE, lambda i, o: base(i, o, INPUT=f"/vsizip/{i}/fig.zip/fig.png")),
    (
        "INPUT /vsicurl/ path (no network)",
        DECODE,
        lambda i, o: base(i, o, INPUT="/vsicurl/http://10.255.255.1/fig.png"),
    ),
    (
        "INPUT georeferenced by a PAM .aux.xml",
        DECODE,
        lambda i, o: base(i, o, INPUT=str(i / "pam.png"), GCPS=None, PLOT_AREA=None),
    ),
    ("detect INPUT JPEG with EXIF 'rotate 90°'", DETECT, lambda i, o: detect(i, o, INPUT=str(i / "exif_rotated.jpg"))),
    # Fourth round (attack30). Every case now also fails on a new file beside the inputs: QGIS
    # loading the figure left GDAL's statistics in <figure>.aux.xml.
    ("INPUT partly transparent (alpha 178)", DECODE, lambda i, o: base(i, o, INPUT=str(i / "partly_transparent.png"))),
    ("INPUT nearly transparent (alpha 40)", DECODE, lambda i, o: base(i, o, INPUT=str(i / "nearly_transparent.png"))),
    (
        "INPUT GeoTIFF, PLOT_AREA in its CRS",
        DECODE,
        lambda i, o: base(i, o, INPUT=str(i / "fig.tif"), GCPS=None, PLOT_AREA=pam_box(112, 672, -518, -87)),
    ),
    (
        "INPUT PAM .aux.xml, PLOT_AREA with its CRS",
        DECODE,
        lambda i, o: base(
            i, o, INPUT=str(i / "pam.png"), GCPS=None, PLOT_AREA=pam_box(112, 672, -518, -87) + " [EPSG:32632]"
        ),
    ),
    ("detect INPUT PAM .aux.xml", DETECT, lambda i, o: detect(i, o, INPUT=str(i / "pam.png"))),
    ("detect INPUT GeoTIFF", DETECT, lambda i, o: detect(i, o, INPUT=str(i / "fig.tif"))),
    ("OUTPUT == OUTPUT_DISTANCE", DECODE, lambda i, o: base(i, o, OUTPUT_DISTANCE=str(o / "decoded.tif"))),
    (
        "OUTPUT_POINTS the report's JSON twin",
        DECODE,
        lambda i, o: base(i, o, OUTPUT_REPORT=str(o / "r.html"), OUTPUT_POINTS=str(o / "r.json")),
    ),
    (
        "OUTPUT_REPORT a shapefile OUTPUT_POINTS' .dbf",
        DECODE,
        lambda i, o: base(i, o, OUTPUT_POINTS=str(o / "p.shp"), OUTPUT_REPORT=str(o / "p.dbf")),
    ),
    (
        "detect OUTPUT_GCPS the report's JSON twin",
        DETECT,
        lambda i, o: detect(i, o, OUTPUT_GCPS=str(o / "x.json"), OUTPUT_REPORT=str(o / "x.html")),
    ),
    ("OUTPUT .tiff", DECODE, lambda i, o: base(i, o, OUTPUT=str(o / "d.tiff"))),
    ("OUTPUT_DISTANCE .jpg", DECODE, lambda i, o: base(i, o, OUTPUT_DISTANCE=str(o / "d.jpg"))),
    ("detect OUTPUT_REPORT .png", DETECT, lambda i, o: detect(i, o, OUTPUT_REPORT=str(o / "r.png"))),
    ("OUTPUT name of 250 bytes", DECODE, lambda i, o: base(i, o, OUTPUT=str(o / ("d" * 246 + ".tif")))),
    ("OUTPUT_POINTS name of 250 bytes", DECODE, lambda i, o: base(i, o, OUTPUT_POINTS=str(o / ("p" * 245 + ".gpkg")))),
    ("OUTPUT_REPORT name of 255 bytes", DECODE, lambda i, o: base(i, o, OUTPUT_REPORT=str(o / ("r" * 250 + ".html")))),
    ("VMIN 'nan'", DECODE, lambda i, o: base(i, o, VMIN="nan")),
    ("MAX_COLOR_DISTANCE 'nan'", DECODE, lambda i, o: base(i, o, MAX_COLOR_DISTANCE="nan")),
    ("VMIN 1e-45, VMAX 2e-45", DECODE, lambda i, o: base(i, o, VMIN=1e-45, VMAX=2e-45)),
    ("VMIN -3e38, VMAX 3e38", DECODE, lambda i, o: base(i, o, VMIN=-3e38, VMAX=3e38)),
    ("PLOT_AREA with nan", DECODE, lambda i, o: base(i, o, PLOT_AREA="nan,672,-518,-87")),
    ("PLOT_AREA the figure layer", DECODE, lambda i, o: base(i, o, PLOT_AREA=str(i / "fig.png"))),
    ("COLORBAR 1x1", DECODE, lambda i, o: base(i, o, COLORMAP="", COLORBAR="700,701,-300,-299")),
    ("COLORBAR == PLOT_AREA", DECODE, lambda i, o: base(i, o, COLORMAP="", COLORBAR=sample_extents()["PLOT_AREA"])),
    (
        "LEVELS 100,001 boundaries",
        DECODE,
        lambda i, o: base(i, o, LEVELS=",".join(str(v * 0.04) for v in range(100001))),
    ),
    ("LEVELS subnormal steps", DECODE, lambda i, o: base(i, o, LEVELS="0,1e-320,2e-320")),
    ("LEVELS 'nan,1000,2000'", DECODE, lambda i, o: base(i, o, LEVELS="nan,1000,2000")),
    (
        "GCPS across the antimeridian to EPSG:3857",
        DECODE,
        lambda i, o: base(i, o, GCPS=str(i / "antimeridian.csv"), GCP_CRS="EPSG:4326", TARGET_CRS="EPSG:3857"),
    ),
    (
        "TARGET_CRS geostationary, far side",
        DECODE,
        lambda i, o: base(i, o, TARGET_CRS="+proj=geos +h=35785831 +lon_0=-120"),
    ),
    # Fifth round (attack31).
    (
        "GCPS decimal commas in a comma-separated CSV",
        DECODE,
        lambda i, o: base(i, o, GCPS=_written(i / "comma_decimals.csv", "pixel_x,pixel_y,map_x,map_y\n"
                                              "112,5,87,598250,5193000\n672,87,661250,5193000\n"
                                              "112,518,598250,5144500\n672,518,661250,5144500\n"),
                          GCP_CRS="EPSG:32632"),
    ),
    (
        "GCPS in degrees, GCP_CRS UTM",
        DECODE,
        lambda i, o: base(i, o, GCPS=_written(i / "degrees.csv", "pixel_x,pixel_y,map_x,map_y\n"
                                              "112,87,10.3,46.9\n672,87,11.1,46.9\n"
                                              "112,518,10.3,46.4\n672,518,11.1,46.4\n"),
                          GCP_CRS="EPSG:32632"),
    ),
    (
        "GCPS .points saved as UTF-16",
        DECODE,
        lambda i, o: base(i, o, GCPS=_written(i / "utf16.points", (i / "fig.points").read_text(), "utf-16")),
    ),
    ("INPUT sparse TIFF, top blocks never written", DECODE, lambda i, o: base(i, o, INPUT=str(i / "sparse.tif"))),
    ("INPUT sparse deflated TIFF", DECODE, lambda i, o: base(i, o, INPUT=str(i / "sparse_deflate.tif"))),
    ("INPUT sparse TIFF never written", DECODE, lambda i, o: base(i, o, INPUT=str(i / "sparse_empty.tif"))),
    ("detect INPUT sparse TIFF never written", DETECT, lambda i, o: detect(i, o, INPUT=str(i / "sparse_empty.tif"))),
    # Sixth round (attack32).
    ("INPUT GIF declaring 65535x65535", DECODE, lambda i, o: base(i, o, INPUT=str(i / "gif_declaring.gif"))),
    ("INPUT BMP declaring 60000x60000", DECODE, lambda i, o: base(i, o, INPUT=str(i / "bmp_declaring.bmp"))),
    ("INPUT TIFF declaring 100000x100000", DECODE, lambda i, o: base(i, o, INPUT=str(i / "tiff_declaring.tif"))),
    ("detect INPUT GIF declaring 65535x65535", DETECT, lambda i, o: detect(i, o, INPUT=str(i / "gif_declaring.gif"))),
    ("detect INPUT TIFF declaring 100000x100000", DETECT,
     lambda i, o: detect(i, o, INPUT=str(i / "tiff_declaring.tif"))),
    ("INPUT CMYK TIFF", DECODE, lambda i, o: base(i, o, INPUT=str(i / "cmyk.tif"))),
    ("INPUT YCbCr JPEG-compressed TIFF", DECODE, lambda i, o: base(i, o, INPUT=str(i / "ycbcr.tif"))),
    ("INPUT RGB GeoTIFF nodata 0", DECODE, lambda i, o: base(i, o, INPUT=str(i / "nodata0.tif"), GCPS=None,
                                                             PLOT_AREA=None)),
    ("INPUT RGB GeoTIFF nodata 300", DECODE, lambda i, o: base(i, o, INPUT=str(i / "nodata300.tif"), GCPS=None,
                                                               PLOT_AREA=None)),
    ("INPUT RGB GeoTIFF nodata nan", DECODE, lambda i, o: base(i, o, INPUT=str(i / "nodata_nan.tif"), GCPS=None,
                                                               PLOT_AREA=None)),
    (
        "GCPS CSV header naming map_x twice",
        DECODE,
        lambda i, o: base(i, o, GCPS=_written(i / "twice.csv", "pixel_x,pixel_y,map_x,map_y,map_x\n"
                                              "112,87,598250,5193000,1\n672,87,661250,5193000,2\n"
                                              "112,518,598250,5144500,3\n672,518,661250,5144500,4\n"),
                          GCP_CRS="EPSG:32632"),
    ),
    (
        "GCPS ';' CSV with thousands grouped",
        DECODE,
        lambda i, o: base(i, o, GCPS=_written(i / "grouped.csv", "pixel_x;pixel_y;map_x;map_y\n"
                                              "112;87;598,250;5,193,000\n672;87;661,250;5,193,000\n"
                                              "112;518;598,250;5,144,500\n672;518;661,250;5,144,500\n"),
                          GCP_CRS="EPSG:32632"),
    ),
    ("TARGET_CRS geocentric", DECODE, lambda i, o: base(i, o, TARGET_CRS="EPSG:4978")),
    ("TARGET_CRS EPSG:999999", DECODE, lambda i, o: base(i, o, TARGET_CRS="EPSG:999999")),
    ("detect GCP_CRS geocentric", DETECT, lambda i, o: detect(i, o, GCP_CRS="EPSG:4978")),
    ("PLOT_AREA of zero height", DECODE, lambda i, o: base(i, o, PLOT_AREA="112,672,-300,-300")),
    ("MAX_COLOR_DISTANCE 100 (its limit)", DECODE, lambda i, o: base(i, o, MAX_COLOR_DISTANCE=100)),
    ("MAX_COLOR_DISTANCE 100.001", DECODE, lambda i, o: base(i, o, MAX_COLOR_DISTANCE=100.001)),
    ("DBSCAN_EPS 32 (its limit)", DECODE, lambda i, o: base(i, o, DBSCAN_EPS=32)),
    ("DBSCAN_EPS 32.5", DECODE, lambda i, o: base(i, o, DBSCAN_EPS=32.5)),
    ("FLAT_TOLERANCE just below the range", DECODE, lambda i, o: base(i, o, FLAT_TOLERANCE=3999.999)),
    ("VMIN 5193000 above VMAX 5192999.5 with LEVELS", DECODE,
     lambda i, o: base(i, o, VMIN=5193000, VMAX=5192999.5, LEVELS="5192999.5,5193000")),
    # As a model or the batch dialog passes values: expressions, output definitions, layers.
    ("VMAX a model's expression '2000*2'", DECODE, lambda i, o: base(i, o, VMAX=_property("2000*2"))),
    ("VMAX a model's static value", DECODE, lambda i, o: base(i, o, VMAX=_property(None, 4000))),
    ("TARGET_CRS a model's CRS object", DECODE, lambda i, o: base(i, o, TARGET_CRS=_crs("EPSG:32632"))),
    ("OUTPUT TEMPORARY_OUTPUT, every output", DECODE,
     lambda i, o: base(i, o, OUTPUT="TEMPORARY_OUTPUT", OUTPUT_POINTS="TEMPORARY_OUTPUT",
                       OUTPUT_REPORT="TEMPORARY_OUTPUT", OUTPUT_DISTANCE="TEMPORARY_OUTPUT")),
    ("OUTPUT an output definition on the figure", DECODE,
     lambda i, o: base(i, o, OUTPUT=_output_definition(i / "fig.png"))),
    ("OUTPUT_POINTS an output definition on the GCPs", DECODE,
     lambda i, o: base(i, o, OUTPUT_POINTS=_output_definition(i / "fig.points"))),
    ("INPUT a raster layer object", DECODE, lambda i, o: base(i, o, INPUT=_raster_layer(i / "fig.png"))),
    ("INPUT a layer object of a text file", DECODE, lambda i, o: base(i, o, INPUT=_raster_layer(i / "text.png"))),
    ("detect OUTPUT_GCPS TEMPORARY_OUTPUT", DETECT, lambda i, o: detect(i, o, OUTPUT_GCPS="TEMPORARY_OUTPUT")),
    # Text inputs and outputs that are no regular files.
    ("GCPS a named pipe", DECODE, lambda i, o: base(i, o, GCPS=_fifo(i / "pipe.points"))),
    ("COLORMAP a named pipe .cpt", DECODE, lambda i, o: base(i, o, COLORMAP=_fifo(i / "pipe.cpt"))),
    ("GCPS a symlink to /dev/zero", DECODE, lambda i, o: base(i, o, GCPS=_symlink("/dev/zero", i / "zero.csv"))),
    ("INPUT a symlink to a named pipe", DECODE,
     lambda i, o: base(i, o, INPUT=_symlink(_fifo(i / "pipe.png"), i / "link.png"))),
    ("OUTPUT /dev/null", DECODE, lambda i, o: base(i, o, OUTPUT="/dev/null")),
    ("OUTPUT_REPORT /dev/stdout", DECODE, lambda i, o: base(i, o, OUTPUT_REPORT="/dev/stdout")),
    ("OUTPUT under a file", DECODE, lambda i, o: base(i, o, OUTPUT=str(i / "fig.points" / "d.tif"))),
    ("detect OUTPUT_GCPS /dev/null", DETECT, lambda i, o: detect(i, o, OUTPUT_GCPS="/dev/null")),
]


def _property(expression, value=None):
    from qgis.core import QgsProperty

    return QgsProperty.fromExpression(expression) if expression else QgsProperty.fromValue(value)


def _crs(text):
    from qgis.core import QgsCoordinateReferenceSystem

    return QgsCoordinateReferenceSystem(text)


def _output_definition(path):
    from qgis.core import QgsProcessingOutputLayerDefinition

    return QgsProcessingOutputLayerDefinition(str(path))


def _raster_layer(path):
    from qgis.core import QgsRasterLayer

    return QgsRasterLayer(str(path), "figure")


def classify(message):
    message = message.removeprefix("Unable to execute algorithm\n").strip()
    if "Traceback" in message or 'File "' in message:
        return "TRACEBACK"
    if "This is a bug" in message:
        return "BUG"
    first = message.split(":", 1)[0]
    if first.isupper() and " " not in first:
        return f"refused {first}"
    if message.startswith("Incorrect parameter value for"):
        return "refused (QGIS) " + message.split("for", 1)[1].split()[0]
    return "UNNAMED"


def run_case(name, algorithm, make, root):
    import processing
    from qgis.core import QgsProcessingContext, QgsProcessingException, QgsProcessingFeedback

    case_folder = Path(tempfile.mkdtemp(dir=root))
    inputs, out = case_folder / "in", case_folder / "out"
    shutil.copytree(root / "inputs", inputs, symlinks=True)
    (inputs / "readonly").chmod(0o555)
    (inputs / "unreadable.png").chmod(0)
    (inputs / "unreadable.points").chmod(0)
    (inputs / "unreadable.cpt").chmod(0)
    out.mkdir()
    values = make(inputs, out)
    made = set(files_under(out))
    before = snapshot(inputs)
    before_inputs = set(files_under(inputs))
    errors = []

    class Feedback(QgsProcessingFeedback):
        def reportError(self, text, fatal=False):  # noqa: N802 - Qt override
            errors.append(text)
            super().reportError(text, fatal)

    try:
        results = processing.run(algorithm, values, feedback=Feedback(), context=QgsProcessingContext())
        outcome, message = "ran", ""
    except QgsProcessingException as error:
        outcome, message = classify(str(error)), str(error).removeprefix("Unable to execute algorithm\n").strip()
        results = None
    except Exception as error:  # noqa: BLE001
        outcome, message = f"RAISED {type(error).__name__}", str(error)
        results = None
    if errors and outcome == "ran":
        message = " | ".join(errors)
    after = snapshot(inputs)
    changed = [os.path.relpath(p, inputs) for p in before if after.get(p) != before[p]]
    # Every new file counts, GDAL's statistics (.aux.xml) too: none may be written beside an input.
    new_inputs = sorted(set(files_under(inputs)) - before_inputs)
    left = sorted(set(files_under(out)) - made) if results is None else []
    problems = []
    if changed:
        problems.append(f"INPUT CHANGED {changed}")
    if new_inputs:
        problems.append(f"new beside inputs {new_inputs}")
    if left:
        problems.append(f"left in out {left}")
    (inputs / "readonly").chmod(0o755)
    shutil.rmtree(case_folder, ignore_errors=True)
    return outcome, message.replace("\n", " ")[:400], problems


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--only", default="")
    parser.add_argument("--cancel", action="store_true", help="the cancellation sweep only")
    parser.add_argument("--delays", help="comma-separated cancellation delays (s), decodemap only")
    parser.add_argument("--concurrent", action="store_true", help="concurrent runs only")
    parser.add_argument(
        "--case-timeout", type=float, default=300, help="seconds a case may take before the sweep stops (a hang)"
    )
    arguments = parser.parse_args()
    from qgis.testing import start_app

    start_app()
    sys.path.insert(0, "/usr/share/qgis/python/plugins")
    from processing.core.Processing import Processing
    from qgis.core import QgsApplication

    Processing.initialize()
    from colormap_decoder.plugin.processing.provider import ColormapDecoderProvider

    provider = ColormapDecoderProvider()
    QgsApplication.processingRegistry().addProvider(provider)
    root = Path(tempfile.mkdtemp(prefix="attack_"))
    (root / "inputs").mkdir()
    make_inputs(root / "inputs")
    if arguments.cancel:
        if arguments.delays:
            cancel_sweep(root, [float(v) for v in arguments.delays.split(",")], (DECODE,))
        else:
            cancel_sweep(root)
    if arguments.concurrent:
        concurrent_runs(root)
    import faulthandler

    for name, algorithm, make in CASES:
        if arguments.cancel or arguments.concurrent:
            break
        if not any(word.strip().lower() in name.lower() for word in arguments.only.split("|")):
            continue
        # A case that hangs (a pipe opened by GDAL) ends the sweep with every thread's stack,
        # instead of waiting forever.
        print(f"... {name}", file=sys.stderr, flush=True)
        faulthandler.dump_traceback_later(arguments.case_timeout, exit=True)
        outcome, message, problems = run_case(name, algorithm, make, root)
        faulthandler.cancel_dump_traceback_later()
        print(f"{name} | {outcome} | {'; '.join(problems) or 'clean'} | {message}", flush=True)
    (root / "inputs" / "readonly").chmod(0o755)
    shutil.rmtree(root, ignore_errors=True)


def cancel_sweep(root, delays=(0.05, 0.3, 0.6, 1.0, 1.5, 2.0, 2.5, 3.0, 4.0), algorithms=(DECODE, DETECT)):
    """Cancel a decode (with every optional output) from another thread after each delay,
    over previous outputs: each run must end with all new outputs or the previous ones."""
    import processing
    from qgis.core import QgsProcessingContext, QgsProcessingFeedback

    for algorithm in algorithms:
        for delay in delays:
            case_folder = Path(tempfile.mkdtemp(dir=root))
            inputs, out = case_folder / "in", case_folder / "out"
            shutil.copytree(root / "inputs", inputs, symlinks=True)
            out.mkdir()
            if algorithm == DECODE:
                values = base(
                    inputs,
                    out,
                    OUTPUT_DISTANCE=str(out / "distance.tif"),
                    OUTPUT_RECONSTRUCTION=str(out / "reconstruction.tif"),
                    OUTPUT_REPORT=str(out / "report.html"),
                )
            else:
                values = detect(inputs, out, GCP_CRS="EPSG:32632")
            names = (
                ["decoded.tif", "points.gpkg", "distance.tif", "reconstruction.tif", "report.html", "report.json"]
                if algorithm == DECODE
                else ["gcps.points", "report.html"]  # detectfigure's report has no JSON twin
            )
            for name in names:
                (out / name).write_bytes(b"previous " + name.encode())
            previous = snapshot(out)
            before = snapshot(inputs)
            feedback = QgsProcessingFeedback()
            timer = threading.Timer(delay, feedback.cancel)
            timer.start()
            try:
                results = processing.run(algorithm, values, feedback=feedback, context=QgsProcessingContext())
                outcome = "finished" if results and len(results) > 2 else f"cancelled {results}"
            except Exception as error:  # noqa: BLE001
                outcome = f"raised {type(error).__name__}: {str(error)[:200]}"
            timer.cancel()
            now = snapshot(out)
            replaced = sorted(os.path.basename(p) for p in previous if now.get(p) != previous[p])
            extra = sorted(set(files_under(out)) - set(names) - {n + ".aux.xml" for n in names})
            changed = [p for p in before if snapshot(inputs).get(p) != before[p]]
            verdict = "ok"
            if replaced and len(replaced) != len(names):
                verdict = "MIXED OUTPUTS"
            if extra:
                verdict += f" extra files {extra}"
            if changed:
                verdict += f" INPUT CHANGED {changed}"
            print(
                f"cancel {algorithm.split(':')[1]} after {delay} s | {outcome[:120]} | "
                f"replaced {len(replaced)}/{len(names)} | {verdict}",
                flush=True,
            )
            shutil.rmtree(case_folder, ignore_errors=True)


def concurrent_runs(root, runs=3):
    """``runs`` qgis_process runs writing the same outputs at once: one complete set must be
    left, and no temporary."""
    import subprocess

    executable = shutil.which("qgis_process.bin", path="/usr/bin:/bin")
    home = Path(tempfile.mkdtemp(dir=root))
    plugins = Path(tempfile.mkdtemp(dir=root))
    (plugins / "colormap_decoder").symlink_to(HERE.parent, target_is_directory=True)
    env = {
        "PATH": "/usr/sbin:/usr/bin:/sbin:/bin",
        "HOME": str(home),
        "LANG": "C.UTF-8",
        "QT_QPA_PLATFORM": "offscreen",
        "QGIS_PLUGINPATH": str(plugins),
    }
    subprocess.run(
        [executable, "plugins", "enable", "colormap_decoder"], env=env, capture_output=True, timeout=120, check=False
    )
    inputs, out = root / "inputs", root / "concurrent"
    out.mkdir()
    values = base(inputs, out, OUTPUT_REPORT=str(out / "report.html"))
    before = snapshot(inputs)
    children = [
        subprocess.Popen(
            [executable, "run", DECODE, "--json", "--"] + [f"{k}={v}" for k, v in values.items()],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
        )
        for _ in range(runs)
    ]
    codes = []
    for child in children:
        output = child.communicate(timeout=600)[0].decode("utf-8", "replace")
        codes.append(child.returncode)
        if child.returncode:
            print("  failed run:", output[-600:])
    import rasterio
    from osgeo import ogr

    with rasterio.open(out / "decoded.tif") as raster:
        valid = raster.read(1, masked=True).count()
    source = ogr.Open(str(out / "points.gpkg"))  # kept: its layer dies with it
    points = source.GetLayer(0).GetFeatureCount()
    source = None
    after = snapshot(inputs)
    # GDAL's statistics (.aux.xml) beside the figure count too.
    changed = sorted(
        os.path.relpath(p, inputs) for p in set(before) | set(after) if before.get(p) != after.get(p)
    )
    print(
        f"concurrent x{runs} | exit codes {codes} | files {files_under(out)} | raster "
        f"{valid} valid pixels, {points} points | inputs "
        f"{'unchanged' if not changed else 'CHANGED ' + str(changed)}",
        flush=True,
    )


if __name__ == "__main__":
    main()
