"""Make ``eraint_z200_january_3deg.npz`` and ``eraint_v500_january_3deg.npz`` from the shared
ERA-Interim file (run by hand).

The shared ``xarray-data_eraint_uvz.nc`` (4 MB) holds ERA-Interim monthly means on a 0.75°
grid; the tests need only 3° fields of it, coarse reanalysis products as papers draw them cell
by cell: the January 200 hPa geopotential (m² s⁻²) and the January 500 hPa meridional wind
(m s⁻¹), each 3° cell the mean of 4 × 4 cells of the 0.75° grid (its first 240 of 241 rows,
from 90.375° N; columns from 180.375° W).

    /usr/bin/python3 tests/data/make_eraint_3deg.py ../shared/data/xarray-data_eraint_uvz.nc
"""
import sys
from pathlib import Path

import numpy as np
import rasterio


def coarse_field(source, variable, level, month):
    """The field at ``level`` hPa in ``month`` averaged over 4 × 4 cells, and its extent."""
    with rasterio.open(f'NETCDF:"{source}":{variable}') as dataset:
        band = next(band for band in range(1, dataset.count + 1)
                    if dataset.tags(band)["NETCDF_DIM_level"] == str(level)
                    and dataset.tags(band)["NETCDF_DIM_month"] == str(month))
        values = (dataset.read(band).astype(np.float64) * dataset.scales[band - 1]
                  + dataset.offsets[band - 1])
        west, north = dataset.transform.c, dataset.transform.f
    rows, cols = values.shape[0] // 4 * 4, values.shape[1] // 4 * 4
    coarse = values[:rows, :cols].reshape(rows // 4, 4, cols // 4, 4).mean(axis=(1, 3))
    extent = np.array([west, west + 3.0 * coarse.shape[1], north - 3.0 * coarse.shape[0], north])
    return coarse.astype(np.float32), extent


def main(source):
    folder = Path(__file__).parent
    z, extent = coarse_field(source, "z", 200, 1)
    np.savez_compressed(folder / "eraint_z200_january_3deg.npz", z=z, extent=extent)
    v, extent = coarse_field(source, "v", 500, 1)
    np.savez_compressed(folder / "eraint_v500_january_3deg.npz", v=v, extent=extent)


if __name__ == "__main__":
    main(sys.argv[1])
