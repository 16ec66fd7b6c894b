#!/usr/bin/env python3
"""GCJ-02 ("Mars coordinates") <-> WGS84, pure Python, no dependencies.

forward(lon, lat)  : WGS84 -> GCJ-02, the public (leaked) forward formula, Krasovsky
                     ellipsoid constants a = 6378245.0, ee = 0.00669342162296594323.
                     This is the same formula cnmaps 2.1.0 uses in cnmaps/geo.py
                     (wgs84_to_gcj02) and the same one the Swift code should implement.
inverse(lon, lat)  : GCJ-02 -> WGS84, iterative (fixed-point / Newton-like) inversion of
                     forward(), iterated until forward(inverse(p)) == p within 1e-12 deg
                     (~0.1 micrometre), max 30 iterations. The commonly seen one-step
                     inverse (p - (forward(p) - p)) is only accurate to a few metres.

No "outside China" short cut is applied: the formula is applied everywhere (Jiaxing is
well inside China). Callers that need the out-of-China rule must apply it themselves.

Run `python3 scripts/gcj02.py` for the self-test.
"""
import math

A = 6378245.0
EE = 0.00669342162296594323


def _transform_lat(x, y):
    ret = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * math.sqrt(abs(x))
    ret += (20.0 * math.sin(6.0 * x * math.pi) + 20.0 * math.sin(2.0 * x * math.pi)) * 2.0 / 3.0
    ret += (20.0 * math.sin(y * math.pi) + 40.0 * math.sin(y / 3.0 * math.pi)) * 2.0 / 3.0
    ret += (160.0 * math.sin(y / 12.0 * math.pi) + 320.0 * math.sin(y * math.pi / 30.0)) * 2.0 / 3.0
    return ret


def _transform_lon(x, y):
    ret = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * math.sqrt(abs(x))
    ret += (20.0 * math.sin(6.0 * x * math.pi) + 20.0 * math.sin(2.0 * x * math.pi)) * 2.0 / 3.0
    ret += (20.0 * math.sin(x * math.pi) + 40.0 * math.sin(x / 3.0 * math.pi)) * 2.0 / 3.0
    ret += (150.0 * math.sin(x / 12.0 * math.pi) + 300.0 * math.sin(x / 30.0 * math.pi)) * 2.0 / 3.0
    return ret


def delta(lon, lat):
    """(dlon, dlat) in degrees that forward() adds at WGS84 point (lon, lat)."""
    dlat = _transform_lat(lon - 105.0, lat - 35.0)
    dlon = _transform_lon(lon - 105.0, lat - 35.0)
    radlat = lat / 180.0 * math.pi
    magic = math.sin(radlat)
    magic = 1 - EE * magic * magic
    sqrtmagic = math.sqrt(magic)
    dlat = (dlat * 180.0) / ((A * (1 - EE)) / (magic * sqrtmagic) * math.pi)
    dlon = (dlon * 180.0) / (A / sqrtmagic * math.cos(radlat) * math.pi)
    return dlon, dlat


def forward(lon, lat):
    """WGS84 -> GCJ-02."""
    dlon, dlat = delta(lon, lat)
    return lon + dlon, lat + dlat


def inverse(glon, glat, tol=1e-12, max_iter=30):
    """GCJ-02 -> WGS84 by fixed-point iteration w_{k+1} = w_k - (forward(w_k) - g).

    The offset field varies by < 1e-4 per degree, so the iteration contracts by a factor
    of ~1e-4 per step; it converges to 1e-12 deg in 3-4 steps.
    """
    wlon, wlat = glon, glat
    for _ in range(max_iter):
        flon, flat = forward(wlon, wlat)
        elon, elat = flon - glon, flat - glat
        wlon -= elon
        wlat -= elat
        if abs(elon) < tol and abs(elat) < tol:
            break
    return wlon, wlat


def _selftest():
    # known value: WGS84 (120.755, 30.75) (central Jiaxing) forward then back
    worst = 0.0
    worst_m = 0.0
    n = 0
    lon = 120.0
    while lon <= 121.6:
        lat = 30.0
        while lat <= 31.2:
            g = forward(lon, lat)
            w = inverse(*g)
            g2 = forward(*w)
            err = max(abs(g2[0] - g[0]), abs(g2[1] - g[1]))
            werr = max(abs(w[0] - lon), abs(w[1] - lat))
            worst = max(worst, err)
            worst_m = max(worst_m, werr * 111320.0)
            n += 1
            lat += 0.01
        lon += 0.01
    dlon, dlat = delta(120.755, 30.75)
    off_m = math.hypot(dlon * 111320 * math.cos(math.radians(30.75)), dlat * 110574)
    print("points tested: %d" % n)
    print("max |forward(inverse(g)) - g| = %.3e deg" % worst)
    print("max |inverse(forward(w)) - w| = %.3e m" % worst_m)
    print("GCJ offset at central Jiaxing (120.755E 30.75N): dlon=%.6f dlat=%.6f deg, %.1f m"
          % (dlon, dlat, off_m))
    assert worst < 1e-9, worst
    assert worst_m < 0.01, worst_m
    assert 300 < off_m < 800, off_m
    print("OK")


if __name__ == "__main__":
    _selftest()
