"""Make ``eraint_z200_january_3deg.npz``, ``eraint_v500_january_3deg.npz`` and
``eraint_u500_july_2.25deg.npz`` from the shared ERA-Interim file (run by hand).

The shared ``xarray-data_eraint_uvz.nc`` (4 MB) holds ERA-Interim monthly means on a 0.75°
grid; the tests need only 3° fields of it, coarse reanalysis products as papers draw them cell
by cell: the January 200 hPa geopotential (m² s⁻²) and the January 500 hPa meridional wind
(m s⁻¹), each 3° cell the mean of 4 × 4 cells of the 0.75° grid (its first 240 of 241 rows,
from 90.375° N; columns from 180.375° W); and the July 500 hPa zonal wind (m s⁻¹), each 2.25°
cell the mean of 3 × 3 cells (bench/native_sweep.py's ERA-Interim grids).

    /usr/bin/python3 tests/data/make_eraint_3deg.py ../shared/data/xarray-data_eraint_uvz.nc
"""
import sys
from pathlib import Path

import numpy as np
import rasterio


def coarse_field(source, variable, level, month, factor=4):
    """The field at ``level`` hPa in ``month`` averaged over ``factor`` × ``factor`` cells, and its
    extent."""
    with rasterio.open(f'NETCDF:"{source}":{variable}') as dataset:
        band = next(band for band in range(1, dataset.count + 1)
                    if dataset.tags(band)["NETCDF_DIM_level"] == str(level)
                    and dataset.tags(band)["NETCDF_DIM_month"] == str(month))
        values = (dataset.read(band).astype(np.float64) * dataset.scales[band - 1]
                  + dataset.offsets[band - 1])
        west, north, step = dataset.transform.c, dataset.transform.f, dataset.transform.a
    rows, cols = values.shape[0] // factor * factor, values.shape[1] // factor * factor
    coarse = values[:rows, :cols].reshape(rows // factor, factor, cols // factor, factor).mean(
        axis=(1, 3))
    size = step * factor
    extent = np.array([west, west + size * coarse.shape[1], north - size * coarse.shape[0], north])
    return coarse.astype(np.float32), extent


def main(source):
    folder = Path(__file__).parent
    z, extent = coarse_field(source, "z", 200, 1)
    np.savez_compressed(folder / "eraint_z200_january_3deg.npz", z=z, extent=extent)
    v, extent = coarse_field(source, "v", 500, 1)
    np.savez_compressed(folder / "eraint_v500_january_3deg.npz", v=v, extent=extent)
    u, extent = coarse_field(source, "u", 500, 7, factor=3)
    np.savez_compressed(folder / "eraint_u500_july_2.25deg.npz", u=u, extent=extent)


if __name__ == "__main__":
    main(sys.argv[1])
