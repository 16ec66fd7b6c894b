"""Shared helpers for the GeoData build scripts: rounding, RFC 7946 winding, validity,
areas on EPSG:4549 (CGCS2000 / 3-degree Gauss-Kruger CM 120E), deterministic JSON output."""
from shapely.validation import make_valid
from shapely.ops import unary_union
import json
import math

from pyproj import Transformer
from shapely.geometry import shape, mapping, Polygon, MultiPolygon
from shapely.geometry.polygon import orient
from shapely.ops import transform as shp_transform

PREC = 7
MU_M2 = 10000.0 / 15.0  # 1 亩 in m²

_to_4549 = Transformer.from_crs("EPSG:4326", "EPSG:4549", always_xy=True)
_from_4549 = Transformer.from_crs("EPSG:4549", "EPSG:4326", always_xy=True)


def to_plane(geom):
    return shp_transform(lambda x, y, z=None: _to_4549.transform(x, y), geom)


def to_lonlat(geom):
    return shp_transform(lambda x, y, z=None: _from_4549.transform(x, y), geom)


def area_km2(geom):
    """Area on EPSG:4549 in km²."""
    return to_plane(geom).area / 1e6


def area_mu(geom):
    return to_plane(geom).area / MU_M2


def _round_ring(coords):
    out = []
    for x, y in coords:
        p = (round(x, PREC), round(y, PREC))
        if not out or out[-1] != p:
            out.append(p)
    if out[0] != out[-1]:
        out.append(out[0])
    return out


def polygons_of(geom):
    if geom.is_empty:
        return []
    if isinstance(geom, Polygon):
        return [geom]
    if isinstance(geom, MultiPolygon):
        return list(geom.geoms)
    # GeometryCollection etc: keep polygonal parts only
    out = []
    for g in getattr(geom, "geoms", []):
        out.extend(polygons_of(g))
    return out


def finalize(geom, min_part_m2=1.0):
    """Round to 7 decimals, orient RFC 7946 (exterior CCW, holes CW), drop degenerate
    parts; return a shapely Polygon/MultiPolygon that is valid after rounding."""
    parts = []
    for p in polygons_of(geom):
        ext = _round_ring(p.exterior.coords)
        holes = [_round_ring(h.coords) for h in p.interiors]
        holes = [h for h in holes if len(h) >= 4]
        if len(ext) < 4:
            continue
        q = Polygon(ext, holes)
        if not q.is_valid:
            q = q.buffer(0)
            for qq in polygons_of(q):
                if to_plane(qq).area >= min_part_m2:
                    parts.append(qq)
            continue
        if to_plane(q).area >= min_part_m2:
            parts.append(q)
    parts = [orient(p, sign=1.0) for p in parts]
    g = parts[0] if len(parts) == 1 else MultiPolygon(parts)
    # re-round (buffer(0) may have introduced new vertices) and check
    g2 = _rebuild_rounded(g)
    # Valid in lon/lat is not enough: areas are measured on EPSG:4549, where a ring that nearly
    # touches itself can cross after projection. Open such spots by 5 cm on the plane and retry.
    for _ in range(3):
        if g2.is_valid and to_plane(g2).is_valid:
            return g2
        gp = make_valid(to_plane(g2))
        gp = unary_union([q for q in polygons_of(gp)]).buffer(-0.05, join_style=2).buffer(0.05, join_style=2)
        parts = [orient(q, sign=1.0) for q in polygons_of(to_lonlat(gp)) if to_plane(q).area >= min_part_m2]
        g2 = _rebuild_rounded(parts[0] if len(parts) == 1 else MultiPolygon(parts))
    raise ValueError("geometry invalid after rounding (in lon/lat or on EPSG:4549)")


def _rebuild_rounded(g):
    parts = []
    for p in polygons_of(g):
        ext = _round_ring(p.exterior.coords)
        holes = [_round_ring(h.coords) for h in p.interiors]
        parts.append(orient(Polygon(ext, [h for h in holes if len(h) >= 4]), sign=1.0))
    return parts[0] if len(parts) == 1 else MultiPolygon(parts)


def geom_json(g):
    m = mapping(g)
    def fix(c):
        if isinstance(c, (list, tuple)) and c and isinstance(c[0], (int, float)):
            return [round(float(c[0]), PREC), round(float(c[1]), PREC)]
        return [fix(x) for x in c]
    return {"type": m["type"], "coordinates": fix(m["coordinates"])}


def feature(fid, props, geom):
    props = dict(props)
    props["id"] = fid
    return {"type": "Feature", "id": fid, "properties": props, "geometry": geom_json(geom)}


def write_fc(path, features, extra=None):
    fc = {"type": "FeatureCollection"}
    if extra:
        fc.update(extra)
    fc["features"] = features
    with open(path, "w", encoding="utf-8") as f:
        json.dump(fc, f, ensure_ascii=False, indent=None, separators=(",", ":"))
        f.write("\n")


def read_fc(path):
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def circle_of_area(lon, lat, area_m2, n=64):
    """Regular n-gon centred on (lon, lat) whose area on EPSG:4549 is area_m2 (exactly,
    up to the reprojection of the vertices: we rescale iteratively)."""
    cx, cy = _to_4549.transform(lon, lat)
    # area of regular n-gon with circumradius r: n/2 r² sin(2π/n)
    r = math.sqrt(2 * area_m2 / (n * math.sin(2 * math.pi / n)))
    pts = [(cx + r * math.cos(2 * math.pi * i / n), cy + r * math.sin(2 * math.pi * i / n)) for i in range(n)]
    return to_lonlat(Polygon(pts))


def scale_to_area(geom, area_m2, tol=1e-5, center=None):
    """Scale a polygon (in the EPSG:4549 plane about its centroid or a given lon/lat
    centre) so that its EPSG:4549 area after 7-decimal rounding is area_m2."""
    from shapely import affinity
    g = geom
    for _ in range(20):
        a = to_plane(finalize(g)).area
        if abs(a - area_m2) / area_m2 < tol:
            return finalize(g)
        f = math.sqrt(area_m2 / a)
        pg = to_plane(g)
        if center is None:
            c = pg.centroid
            origin = (c.x, c.y)
        else:
            origin = _to_4549.transform(*center)
        g = to_lonlat(affinity.scale(pg, f, f, origin=origin))
    return finalize(g)
