"""Make ``eraint_z200_january_3deg.npz`` from the shared ERA-Interim file (run by hand).

The shared ``xarray-data_eraint_uvz.nc`` (4 MB) holds ERA-Interim monthly means on a 0.75°
grid; the tests need only a 3° field of it, a coarse reanalysis product as papers draw it cell
by cell: the January 200 hPa geopotential (m² s⁻²), each 3° cell the mean of 4 × 4 cells of the
0.75° grid (its first 240 of 241 rows, from 90.375° N; columns from 180.375° W).

    /usr/bin/python3 tests/data/make_eraint_3deg.py ../shared/data/xarray-data_eraint_uvz.nc
"""
import sys
from pathlib import Path

import numpy as np
import rasterio


def main(source):
    with rasterio.open(f'NETCDF:"{source}":z') as dataset:
        assert dataset.tags(1)["NETCDF_DIM_level"] == "200"
        assert dataset.tags(1)["NETCDF_DIM_month"] == "1"
        z = dataset.read(1).astype(np.float64) * dataset.scales[0] + dataset.offsets[0]
        west, north = dataset.transform.c, dataset.transform.f
    rows, cols = z.shape[0] // 4 * 4, z.shape[1] // 4 * 4
    coarse = z[:rows, :cols].reshape(rows // 4, 4, cols // 4, 4).mean(axis=(1, 3))
    extent = np.array([west, west + 3.0 * coarse.shape[1], north - 3.0 * coarse.shape[0], north])
    np.savez_compressed(Path(__file__).with_name("eraint_z200_january_3deg.npz"),
                        z=coarse.astype(np.float32), extent=extent)


if __name__ == "__main__":
    main(sys.argv[1])
