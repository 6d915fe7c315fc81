"""Print what the demo wrote: the raster's grid and values, the points, and the error against the truth.

usage: /usr/bin/python3 sample/describe_outputs.py RASTER POINTS.gpkg [--truth DEM]
"""
import argparse

import numpy as np
import rasterio
from osgeo import ogr
from rasterio.warp import Resampling, reproject


def describe_raster(path):
    with rasterio.open(path) as dataset:
        values = dataset.read(1, masked=True)
        print(f"Raster  {path}")
        print(f"  {dataset.width}×{dataset.height} pixels, CRS {dataset.crs}, pixel size "
              f"{dataset.res[0]:.2f}, bounds {tuple(round(b, 1) for b in dataset.bounds)}")
        print(f"  data pixels {values.count():,} ({100 * values.count() / values.size:.1f} %), "
              f"values {values.min():.1f} to {values.max():.1f}, mean {values.mean():.1f}")
        return values, dataset.profile


def describe_points(path):
    source = ogr.Open(path)
    layer = source.GetLayer(0)
    values = [feature.GetField("value") for feature in layer]
    layer.ResetReading()
    first = layer.GetNextFeature()
    definition = layer.GetLayerDefn()
    print(f"Points  {path}")
    print(f"  {layer.GetFeatureCount():,} points in layer '{layer.GetName()}', CRS "
          f"{layer.GetSpatialRef().GetAuthorityName(None)}:{layer.GetSpatialRef().GetAuthorityCode(None)}, "
          f"fields {[definition.GetFieldDefn(i).GetName() for i in range(definition.GetFieldCount())]}")
    if first is not None:
        geometry = first.GetGeometryRef()
        print(f"  first point at ({geometry.GetX():.1f}, {geometry.GetY():.1f}) value "
              f"{first.GetField('value'):.1f} from {first.GetField('n_pixels')} pixels; values "
              f"{min(values):.1f} to {max(values):.1f}")


def compare_with_truth(values, profile, truth_path, value_range=4000.0):
    with rasterio.open(truth_path) as truth:
        expected = np.full(values.shape, np.nan, dtype=np.float32)
        reproject(rasterio.band(truth, 1), expected, dst_transform=profile["transform"],
                  dst_crs=profile["crs"], dst_nodata=np.nan, resampling=Resampling.bilinear)
    both = ~values.mask & np.isfinite(expected)
    error = np.abs(values.data[both] - expected[both])
    print(f"Against the truth ({truth_path}, {both.sum():,} pixels): median |error| "
          f"{np.median(error):.1f} m ({100 * np.median(error) / value_range:.2f} % of the range), "
          f"95th percentile {np.percentile(error, 95):.1f} m "
          f"({100 * np.percentile(error, 95) / value_range:.2f} %)")


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("raster")
    parser.add_argument("points")
    parser.add_argument("--truth")
    arguments = parser.parse_args()
    decoded, raster_profile = describe_raster(arguments.raster)
    describe_points(arguments.points)
    if arguments.truth:
        compare_with_truth(decoded, raster_profile, arguments.truth)
