#!/usr/bin/env python3
"""Checks for GeoData/: validity after rounding, RFC 7946 winding, provenance fields,
stated areas (0.1 %), containment in the city/county, function-zone overlaps,
platform interiors in key zones, industry terms covered by industries.yaml, the land layer
(GSHHG), every feature's `county` = the counties it overlaps by more than COUNTY_TOL_KM2,
and the 滨海新区 / bay-belt placement (000:282, 000:296, 000:298)."""
import glob
import json
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import geoutil as gu  # noqa: E402
from shapely.geometry import shape  # noqa: E402
from shapely.ops import unary_union  # noqa: E402

ROOT = os.path.dirname(HERE)
GD = os.path.join(ROOT, "GeoData")
REQ = ["id", "name", "name_en", "kind", "layer", "source", "geometry_method", "schematic", "accuracy_m"]
errors = []
COUNTY_TOL_KM2 = 0.01  # a feature is "in" a county when it covers more than 1 ha of it (EPSG:4549)


def err(msg):
    errors.append(msg)
    print("ERROR:", msg)


def ring_ccw(r):
    s = 0.0
    for (x1, y1), (x2, y2) in zip(r, r[1:]):
        s += x1 * y2 - x2 * y1
    return s > 0


def main():
    layers = {}
    for path in sorted(glob.glob(os.path.join(GD, "layers", "*.geojson"))):
        stem = os.path.basename(path)[:-8]
        fc = gu.read_fc(path)
        if "crs" in fc:
            err("%s has crs member" % stem)
        layers[stem] = fc["features"]
        ids = set()
        for f in fc["features"]:
            p = f["properties"]
            for k in REQ:
                if k not in p:
                    err("%s %s missing %s" % (stem, f.get("id"), k))
            if f.get("id") != p.get("id"):
                err("%s feature id mismatch %s" % (stem, f.get("id")))
            if f["id"] in ids:
                err("duplicate id %s" % f["id"])
            ids.add(f["id"])
            if p.get("layer") != stem:
                err("%s layer prop %s" % (f["id"], p.get("layer")))
            gm = p.get("geometry_method", "")
            if not (gm.startswith("derived: ") or gm.startswith("schematic: ")):
                err("%s geometry_method prefix" % f["id"])
            if gm.startswith("schematic") != bool(p.get("schematic")):
                err("%s schematic flag vs method" % f["id"])
            g = f["geometry"]
            if g["type"] not in ("Polygon", "MultiPolygon"):
                err("%s geometry type %s" % (f["id"], g["type"]))
            polys = [g["coordinates"]] if g["type"] == "Polygon" else g["coordinates"]
            for poly in polys:
                if not ring_ccw(poly[0]):
                    err("%s exterior not CCW" % f["id"])
                for h in poly[1:]:
                    if ring_ccw(h):
                        err("%s hole not CW" % f["id"])
                for r in poly:
                    for c in r:
                        if any(len(repr(v).split(".")[-1]) > 7 for v in c if isinstance(v, float)):
                            err("%s coordinate with > 7 decimals" % f["id"])
                            break
            s = shape(g)
            if not s.is_valid:
                err("%s invalid geometry" % f["id"])
            if "stated_area_km2" in p:
                a = gu.area_km2(s)
                rel = abs(a - p["stated_area_km2"]) / p["stated_area_km2"]
                if rel > 0.001:
                    err("%s area %.4f vs stated %.4f" % (f["id"], a, p["stated_area_km2"]))
        r = subprocess.run(["ogrinfo", "-so", "-al", path], capture_output=True, text=True)
        if r.returncode != 0:
            err("ogrinfo failed on %s: %s" % (stem, r.stderr[:200]))
        print("%-15s %3d features, ogrinfo rc=%d" % (stem, len(fc["features"]), r.returncode))

    admin = {f["properties"]["adcode"]: shape(f["geometry"]) for f in layers["admin"]}
    city = admin["330400"]
    for stem in ("layout", "platforms", "function_zones", "clusters", "land"):
        for f in layers.get(stem, []):
            s = shape(f["geometry"])
            out = s.difference(city).area / s.area
            if out > 1e-6:
                err("%s not inside the city (%.4f%% outside)" % (f["id"], out * 100))
    plats = layers["platforms"]
    for f in plats:
        s = shape(f["geometry"])
        cs = f["properties"]["county"]
        cs = [cs] if isinstance(cs, str) else cs
        cu = unary_union([admin[c] for c in cs])
        if s.difference(cu).area / s.area > 1e-6:
            err("%s not inside its county %s" % (f["id"], cs))
    fz = layers["function_zones"]
    byc = {}
    for f in fz:
        byc.setdefault(f["properties"]["category"], []).append(shape(f["geometry"]))
    cats = {k: unary_union(v) for k, v in byc.items()}
    ks = sorted(cats)
    for i in range(len(ks)):
        for j in range(i + 1, len(ks)):
            ov = gu.area_km2(cats[ks[i]].intersection(cats[ks[j]]))
            if ov > 0.01:
                err("function zones %s/%s overlap %.3f km²" % (ks[i], ks[j], ov))
    cover = gu.area_km2(unary_union(list(cats.values())))
    print("function zones cover %.2f km² of city %.2f km²" % (cover, gu.area_km2(city)))
    if abs(cover - gu.area_km2(city)) / gu.area_km2(city) > 0.001:
        err("function zones do not cover the city")
    pu = unary_union([shape(f["geometry"]) for f in plats])
    free = [f["id"] for f in fz if f["properties"]["category"] == "prohibited"
            and shape(f["geometry"]).intersection(pu).area == 0]
    print("prohibited zones not overlapping any platform:", free)
    if not free:
        err("every prohibited zone overlaps a platform")
    for f in fz:
        if f["properties"]["category"] == "prohibited":
            for p in plats:
                ov = shape(f["geometry"]).intersection(shape(p["geometry"])).area
                if ov > 0:
                    print("  note: %s overlaps %s" % (f["id"], p["id"]))
    inkey = 0
    for p in plats:
        s = shape(p["geometry"])
        frac = s.intersection(cats["key"]).area / s.area
        if frac > 0.9:
            inkey += 1
        else:
            print("  platform %s only %.0f%% in key zones" % (p["id"], frac * 100))
    print("platforms > 90%% in key zones: %d / %d" % (inkey, len(plats)))
    if inkey < 0.8 * len(plats):
        err("too few platforms in key zones")

    # county property == counties overlapped (> COUNTY_TOL_KM2), for every feature of every layer
    counties = {c: gu.to_plane(g) for c, g in admin.items() if c != "330400"}
    nchk = 0
    for stem, feats in sorted(layers.items()):
        for f in feats:
            pg = gu.to_plane(shape(f["geometry"]))
            got = sorted(c for c, cg in counties.items() if pg.intersection(cg).area / 1e6 > COUNTY_TOL_KM2)
            cs = f["properties"].get("county")
            want = sorted([cs] if isinstance(cs, str) else (cs or []))
            nchk += 1
            if got != want:
                err("%s county %s but overlaps %s (> %.2f km²)" % (f["id"], want, got, COUNTY_TOL_KM2))
    print("county property checked on %d features" % nchk)

    # land layer: one feature per county, inside its county, areas as stated
    land = {f["properties"]["county"]: f for f in layers.get("land", [])}
    if sorted(land) != sorted(counties):
        err("land layer counties %s" % sorted(land))
    for c, f in sorted(land.items()):
        g = shape(f["geometry"])
        p = f["properties"]
        if f["id"] != "land-" + c or p.get("kind") != "land":
            err("%s id/kind" % f["id"])
        if g.difference(admin[c]).area / g.area > 1e-6:
            err("%s not inside county %s" % (f["id"], c))
        la, pa = gu.area_km2(g), gu.area_km2(admin[c])
        if abs(la - p.get("land_area_km2", -1)) > 0.01 or abs(pa - p.get("polygon_area_km2", -1)) > 0.01:
            err("%s land/polygon area properties" % f["id"])
        print("  %s land %.1f km² of polygon %.1f km²" % (f["id"], la, pa))
    if land:
        landu = unary_union([shape(f["geometry"]) for f in land.values()])
        lay = {f["id"]: f for f in layers["layout"]}
        bh = shape(lay["layout-district-binhai"]["geometry"])
        frac = bh.intersection(landu).area / bh.area
        if frac < 0.99:
            err("滨海新区 only %.1f%% on land" % (frac * 100))
        if bh.intersection(admin["330481"]).area > 0:
            err("滨海新区 reaches 海宁")
        xs = []
        for k, town in (("dushan", "独山"), ("zhapu", "乍浦"), ("daqiao", "大桥新区")):
            f = lay["layout-binhai-" + k]
            g = shape(f["geometry"])
            from shapely.geometry import Point
            if not g.contains(Point(*f["properties"]["anchor_lonlat"])):
                err("%s does not contain its anchor" % f["id"])
            xs.append(g.centroid.x)
            print("  %s centroid %.4f %.4f" % (f["id"], g.centroid.x, g.centroid.y))
        if not xs[0] > xs[1] > xs[2]:
            err("Binhai clusters not east->west 独山, 乍浦, 大桥新区")
        belt = shape(lay["layout-belt-bay"]["geometry"])
        for c in ("330481", "330424", "330482"):
            if gu.area_km2(belt.intersection(admin[c])) < 10:
                err("bay belt hardly touches %s" % c)
        for f in plats:
            g = shape(f["geometry"])
            off = gu.area_km2(g.difference(landu))
            if off > 0.01:
                err("%s has %.3f km² at sea" % (f["id"], off))

    # industry terms
    try:
        import yaml
        voc = yaml.safe_load(open(os.path.join(GD, "industries.yaml"), encoding="utf-8"))
        terms = {t["term"] for t in voc["terms"]}
        codes = {c["code"] for c in voc["codes"]}
        for t in voc["terms"]:
            for c in t["codes"]:
                if c not in codes:
                    err("term %s uses code %s not in codes" % (t["term"], c))
        for cl, v in voc["classes"].items():
            for c in v["codes"]:
                if c not in codes:
                    err("class %s uses code %s not in codes" % (cl, c))
        used = set()
        for stem, feats in layers.items():
            for f in feats:
                p = f["properties"]
                used.update(p.get("industries", []))
                for k in ("lead", "upgrade", "foster"):
                    used.update(p.get("guidance", {}).get(k, []))
        missing = sorted(used - terms)
        if missing:
            err("terms missing from industries.yaml: %s" % missing)
    except FileNotFoundError:
        err("GeoData/industries.yaml missing")
    print("%d errors" % len(errors))
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
