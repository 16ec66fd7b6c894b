#!/usr/bin/env python3
"""Builds the example applications in GeoData/examples/ (and the bad-input files in bad/).

Sites are placed relative to the real layer geometry in GeoData/layers: a square (on EPSG:4549,
CGCS2000 3° Gauss-Krüger CM 120E — the plane zoneplan measures areas on) of the wanted area,
centred on a point chosen inside the named platform / functional zone / county, then converted to
WGS84 lon/lat, rounded to 7 decimals and written with RFC 7946 winding (outer ring CCW).

    pip install shapely pyproj
    python3 GeoData/examples/make_examples.py

Deterministic: the same layers give the same bytes. After changing anything run
scripts/update-golden.sh and check the verdicts with `zoneplan check`.
"""
import json
import math
import os
import sys

from pyproj import Transformer
from shapely.geometry import Point, Polygon, box, mapping, shape
from shapely.geometry.polygon import orient
import shapely
from shapely.ops import unary_union

HERE = os.path.dirname(os.path.abspath(__file__))
LAYERS = os.path.join(HERE, "..", "layers")
PREC = 7
MU_M2 = 10000.0 / 15.0  # 1 亩 = 666.67 m²

_to_plane = Transformer.from_crs("EPSG:4326", "EPSG:4549", always_xy=True)
_to_lonlat = Transformer.from_crs("EPSG:4549", "EPSG:4326", always_xy=True)


def plane(g):
    return shapely.transform(g, lambda x, y: _to_plane.transform(x, y), interleaved=False)


def lonlat(g):
    return shapely.transform(g, lambda x, y: _to_lonlat.transform(x, y), interleaved=False)


def load_layers():
    feats = {}
    for name in ("admin", "platforms", "function_zones", "layout", "clusters"):
        with open(os.path.join(LAYERS, name + ".geojson"), encoding="utf-8") as fh:
            for f in json.load(fh)["features"]:
                feats[f["id"]] = (f["properties"], plane(shape(f["geometry"])))
    return feats


FEATS = load_layers()


def geom(fid):
    return FEATS[fid][1]


def of_kind(kind, **props):
    return [(fid, g) for fid, (p, g) in FEATS.items()
            if p.get("kind") == kind and all(p.get(k) == v for k, v in props.items())]


def square_at(pt, area_mu):
    half = math.sqrt(area_mu * MU_M2) / 2
    return box(pt.x - half, pt.y - half, pt.x + half, pt.y + half)


def pick_point(region, area_mu):
    """A point of `region` (plane) where a square of `area_mu` fits entirely inside it."""
    half_diag = math.sqrt(area_mu * MU_M2) / 2 * math.sqrt(2)
    inner = region.buffer(-half_diag - 5)
    if inner.is_empty:
        raise SystemExit(f"no room for {area_mu} mu")
    return inner.representative_point()


def site_inside(within, area_mu, avoid=()):
    """Square of area_mu inside the intersection of the plane geometries `within`, away from `avoid`."""
    region = within[0]
    for g in within[1:]:
        region = region.intersection(g)
    for g in avoid:
        region = region.difference(g)
    return square_at(pick_point(region, area_mu), area_mu)


def key_zone_of(county):
    return geom(f"fz-key-{county}")


def core_ring():
    return geom("layout-core-ring")


def round_ring(coords):
    out = []
    for x, y in coords:
        p = [round(x, PREC), round(y, PREC)]
        if not out or out[-1] != p:
            out.append(p)
    if out[0] != out[-1]:
        out.append(list(out[0]))
    return out


def to_geojson_polygon(plane_poly):
    """Plane polygon → RFC 7946 lon/lat Polygon dict, 7 decimals, outer ring CCW."""
    ll = orient(lonlat(plane_poly), sign=1.0)
    ring = round_ring(ll.exterior.coords)
    q = orient(Polygon(ring), sign=1.0)
    assert q.is_valid and q.exterior.is_ccw
    return {"type": "Polygon", "coordinates": [round_ring(q.exterior.coords)]}


def area_mu_of(geometry):
    return plane(shape(geometry)).area / MU_M2


def feature(props, geometry):
    return {"type": "Feature", "properties": props, "geometry": geometry}


def write(path, obj):
    text = json.dumps(obj, ensure_ascii=False, indent=2) + "\n"
    with open(path, "w", encoding="utf-8") as fh:
        fh.write(text)


def write_raw(path, text):
    with open(path, "w", encoding="utf-8") as fh:
        fh.write(text)


ILLUSTRATIVE_SITE = ("用地位置与面积为示意：按 GeoData 示意图层（schematic）放在{where}内的一块正方形（{area} 亩），"
                     "并非项目实际选址；")
ILLUSTRATIVE_FIG = "value_added_wan（年工业增加值）与 energy_tce（年综合能耗）为示意估算值，规划未给出。"


def real_project(fname, *, county, platform, area, firm, project, invest_yi, output_yi, industry, industry_why,
                 va_wan, energy_tce, seed_line, county_note=""):
    g = site_inside([geom(platform), key_zone_of(county)], area, avoid=[core_ring()])
    pname = FEATS[platform][0]["name"]
    props = {
        "name": f"{firm} {project}",
        "industry": industry,
        "investment_wan": round(float(invest_yi) * 10000),
        "output_wan": round(float(output_yi) * 10000),
        "value_added_wan": va_wan,
        "energy_tce": energy_tce,
        "firm": firm,
        "project": project,
        "source": f"seed 000:{seed_line}（嘉兴市工业“十二五”发展规划 附件4 重大工业投资项目汇总表）：{county_note}{firm}，"
                  f"{project}，总投资 {invest_yi} 亿元，新增产值 {output_yi} 亿元；"
                  f"investment_wan/output_wan = 亿元 × 10000",
        "site_note": ILLUSTRATIVE_SITE.format(where=f"{pname}（{platform}）与重点开发区（fz-key-{county}）", area=area)
                     + f"行业代码 {industry} 为本例按项目内容所选（{industry_why}）；" + ILLUSTRATIVE_FIG,
    }
    return fname, feature(props, to_geojson_polygon(g))


def examples():
    out = []
    # (a) real projects from 000:817– (附件4).
    out.append(real_project(
        "jiaxipera-compressor.geojson", county="330402", platform="platform-prov-jxip", area=150,
        firm="加西贝拉压缩机有限公司", project="新建年产500万台超高效和变频压缩机生产线项目",
        invest_yi="7.0", output_yi="11.3", industry="C3442", industry_why="C3442 气体压缩机械制造",
        va_wan=28000, energy_tce=850, seed_line="830–833", county_note="南湖区，"))
    out.append(real_project(
        "xinhuaguang-pv-modules.geojson", county="330411", platform="platform-sei-xz-solar", area=200,
        firm="嘉兴新华光太阳能有限公司", project="新华光太阳能光伏组件项目",
        invest_yi="10", output_yi="15", industry="C3825", industry_why="C3825 光伏设备及元器件制造",
        va_wan=30000, energy_tce=900, seed_line="921–924", county_note="秀洲区，"))
    out.append(real_project(
        "jinko-solar-cells.geojson", county="330481", platform="platform-sei-hn-solar", area=250,
        firm="浙江晶科能源有限公司", project="太阳能电池生产线扩产项目",
        invest_yi="12.1", output_yi="100", industry="C3825", industry_why="C3825 光伏设备及元器件制造",
        va_wan=180000, energy_tce=36000, seed_line="1125–1128", county_note="海宁市，"))
    out.append(real_project(
        "huayou-cathode.geojson", county="330483", platform="platform-prov-txedz", area=300,
        firm="浙江华友钴业股份有限公司", project="年产2万吨锂离子电池正极材料建设项目",
        invest_yi="27.3", output_yi="48", industry="C3985", industry_why="C3985 电子专用材料制造，含锂电池材料",
        va_wan=86000, energy_tce=24000, seed_line="1146–1149", county_note="桐乡市，"))
    out.append(real_project(
        "jiahua-surfactants.geojson", county="330482", platform="platform-sei-gq-chem", area=200,
        firm="浙江嘉化工业园投资发展有限公司", project="40万吨/年功能表面活性剂项目",
        invest_yi="18", output_yi="60", industry="C2662", industry_why="C2662 专项化学用品制造",
        va_wan=90000, energy_tce=60000, seed_line="1189–1192",
        county_note="嘉兴港区（GeoData 中港区平台属平湖市 330482），"))

    # (b) edge cases: each exercises one outcome.
    def edge(fname, geometry_plane, note, **props):
        base = {"name": props.pop("name"), "industry": props.pop("industry")}
        base.update(props)
        base["source"] = "illustrative edge case, not a real project (GeoData/examples/make_examples.py)"
        base["site_note"] = note
        return fname, feature(base, to_geojson_polygon(geometry_plane))

    fig = dict(investment_wan=30000, output_wan=45000, value_added_wan=9000, energy_tce=600)

    g = site_inside([geom("fz-prohibited-nanbeihu")], 40)
    out.append(edge("prohibited-zone.geojson", g,
                    "示意：40 亩正方形位于南北湖风景名胜区禁止开发区（fz-prohibited-nanbeihu，海盐县）内；其余指标均达标（禁止开发区不与任何平台重叠，故另有 platform 警示）。预期 reject（function-zone/prohibited）。",
                    name="示例：禁止开发区内的仪器仪表项目", industry="C4011", **fig))

    g = site_inside([geom("platform-prov-jsedz"), key_zone_of("330421")], 100)
    out.append(edge("intensity-fail.geojson", g,
                    "示意：100 亩位于嘉善经济开发区；投资 15000 万元 → 150 万元/亩 < 200；产出 40000 万元 → 400 万元/亩（达标）。预期 reject（land-intensity/investment）。",
                    name="示例：投资强度不足的电子元件项目", industry="C3983",
                    investment_wan=15000, output_wan=40000, value_added_wan=8000, energy_tce=500))

    g = site_inside([geom("platform-prov-hyedz"), key_zone_of("330424")], 25)
    out.append(edge("energy-fail.geojson", g,
                    "示意：25 亩位于海盐经济开发区；能耗 990 吨标准煤 ÷ 增加值 900 万元 = 1.1 > 1.05 吨标准煤/万元。预期 reject（energy-intensity）。",
                    name="示例：单位增加值能耗超标的紧固件项目", industry="C3482",
                    investment_wan=6000, output_wan=8000, value_added_wan=900, energy_tce=990))

    hz = plane(Point(120.20, 30.25))
    out.append(edge("outside-jiaxing.geojson", square_at(hz, 50),
                    "示意：50 亩位于杭州市区（约 120.20E 30.25N），在嘉兴市域外；坐标本身合法。预期 reject（jurisdiction），不是输入错误。",
                    name="示例：杭州市区的项目", industry="C4011", **fig))

    out.append(edge("two-counties.geojson", two_county_site(60),
                    "示意：60 亩正方形跨南湖区与秀洲区的县界，位于重点开发区内、核心圈层与禁止开发区之外；其余指标达标。示意图层中没有跨县界的平台，故另有 platform 警示。预期 conditional（jurisdiction/counties warn）。",
                    name="示例：跨两县（区）的仪器仪表项目", industry="C4011", **fig))

    g = outside_platform_site(80)
    out.append(edge("outside-platforms.geojson", g,
                    "示意：80 亩位于嘉善县生态经济区，距任何发展平台 > 1 km；行业 C4011 属生态型工业与高新技术产业。预期 conditional（platform warn，列出最近平台）。",
                    name="示例：平台外的仪器仪表项目", industry="C4011", **fig))

    g = site_inside([geom("platform-prov-phedz"), key_zone_of("330482")], 60)
    out.append(edge("missing-energy.geojson", g,
                    "示意：60 亩位于平湖经济开发区；未填 energy_tce（年综合能耗）。预期 incomplete（energy-intensity 与 restricted-industry/energy-review 无法审查）。",
                    name="示例：缺少能耗数据的光电器件项目", industry="C3976",
                    investment_wan=30000, output_wan=45000, value_added_wan=9000))

    g = site_inside([geom("platform-prov-hnedz"), key_zone_of("330481")], 120)
    name, f = edge("declared-area-mismatch.geojson", g,
                   "示意：120 亩位于海宁经济开发区；declared_area_mu 比按 EPSG:4549 计算的面积大 5 %。预期 conditional（declared-area warn）。",
                   name="示例：申报面积与图形面积不符的电子项目", industry="C3976",
                   investment_wan=40000, output_wan=60000, value_added_wan=12000, energy_tce=800)
    computed = area_mu_of(f["geometry"])
    f["properties"]["declared_area_mu"] = round(computed * 1.05, 2)
    out.append((name, f))

    g = site_inside([geom("platform-prov-phedz"), key_zone_of("330482")], 60)
    out.append(edge("restricted-policy-item.geojson", g,
                    "示意：60 亩位于平湖经济开发区；申报属产业结构调整指导目录（2024年本）限制类 一、2（单线 5 万立方米/年以下的刨花板生产装置），单线产能 3 万立方米/年。预期 reject（national-policy/restricted）。",
                    name="示例：单线3万立方米/年刨花板生产线项目", industry="C2023",
                    policy_items=["限制类 一、2"], capacity={"value": 30000, "unit": "立方米/年"}, **fig))
    return out


def two_county_site(area):
    """Square centred on the 南湖区/秀洲区 boundary, inside key zones on both sides, outside the core ring,
    prohibited zones and platforms (so only the two-county warning remains)."""
    a, b = geom("county-330402"), geom("county-330411")
    line = a.boundary.intersection(b.boundary)
    keys = unary_union([key_zone_of("330402"), key_zone_of("330411")])
    avoid = unary_union([core_ring()] + [g for _, g in of_kind("platform")]
                        + [g for _, g in of_kind("function_zone", category="prohibited")])
    half_diag = math.sqrt(area * MU_M2) / 2 * math.sqrt(2)
    ok_region = keys.buffer(-half_diag - 5).difference(avoid.buffer(half_diag + 5))
    cand = line.intersection(ok_region)
    if cand.is_empty:
        raise SystemExit("no place on the 330402/330411 boundary for the two-county example")
    pts = [cand.interpolate(i / 200, normalized=True) for i in range(1, 200)]
    # Prefer the candidate where the two counties' shares are most even.
    best = max(pts, key=lambda p: min(square_at(p, area).intersection(a).area, square_at(p, area).intersection(b).area))
    return square_at(best, area)


def outside_platform_site(area):
    """Square in the 嘉善县 ecological zone, > 1 km from every platform and any other zone."""
    eco = geom("fz-ecological-330421")
    platforms = unary_union([g for _, g in of_kind("platform")])
    region = eco.difference(platforms.buffer(1000))
    for _, g in of_kind("function_zone"):
        if g is not eco:
            region = region.difference(g.buffer(50))
    region = region.intersection(geom("layout-district-330421"))
    return square_at(pick_point(region, area), area)


def bad_inputs(good_geom):
    bad = os.path.join(HERE, "bad")
    os.makedirs(bad, exist_ok=True)
    good_ring = good_geom["coordinates"][0]
    props = {"name": "示例：坏输入", "industry": "C3976", "investment_wan": 30000, "output_wan": 45000,
             "value_added_wan": 9000, "energy_tce": 600}

    def f(p=None, g=None):
        return feature(dict(props, **(p or {})), g if g is not None else good_geom)

    write_raw(os.path.join(bad, "not-json.geojson"), "{\"type\": \"Feature\", \"properties\": {\"name\": 这不是 JSON\n")
    cx, cy = good_ring[0]
    write(os.path.join(bad, "point.geojson"), f(g={"type": "Point", "coordinates": [cx, cy]}))
    write(os.path.join(bad, "unclosed-ring.geojson"), f(g={"type": "Polygon", "coordinates": [good_ring[:-1]]}))
    (x0, y0), (x1, y1) = good_ring[0], good_ring[2]
    bowtie = [[x0, y0], [x1, y1], [x1, y0], [x0, y1], [x0, y0]]
    write(os.path.join(bad, "self-intersecting.geojson"), f(g={"type": "Polygon", "coordinates": [bowtie]}))
    write(os.path.join(bad, "swapped-latlon.geojson"),
          f(g={"type": "Polygon", "coordinates": [[[y, x] for x, y in good_ring[::-1]]]}))
    gk = plane(shape(good_geom))
    gk_ring = [[round(x, 2), round(y, 2)] for x, y in orient(gk, sign=1.0).exterior.coords]
    write(os.path.join(bad, "gauss-kruger-metres.geojson"), f(g={"type": "Polygon", "coordinates": [gk_ring]}))
    write(os.path.join(bad, "far-away.geojson"),
          f(g={"type": "Polygon", "coordinates": [[[10.0, 50.0], [10.01, 50.0], [10.01, 50.01], [10.0, 50.01], [10.0, 50.0]]]}))
    write(os.path.join(bad, "negative-investment.geojson"), f({"investment_wan": -5000}))
    write(os.path.join(bad, "non-numeric-output.geojson"), f({"output_wan": "很多"}))
    write(os.path.join(bad, "unknown-industry.geojson"), f({"industry": "C9999"}))
    write(os.path.join(bad, "not-a-feature.geojson"), good_geom)
    write(os.path.join(bad, "unknown-policy-item.geojson"), f({"policy_items": ["限制类 九十九、1"]}))


def main():
    made = examples()
    for name, f in made:
        write(os.path.join(HERE, name), f)
        a = area_mu_of(f["geometry"])
        assert 20 <= a <= 300, (name, a)
        print(f"{name:40s} {a:8.2f} 亩")
    good = dict(made)["missing-energy.geojson"]["geometry"]
    bad_inputs(good)
    return 0


if __name__ == "__main__":
    sys.exit(main())
