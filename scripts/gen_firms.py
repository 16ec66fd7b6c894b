#!/usr/bin/env python3
"""SYNTHETIC firm figures and parcels for `zoneplan evaluate` (亩均效益). Not real firms.

Places firms on rectangular parcels inside the development platforms (about 70 %) and within a few
kilometres around them, in the platform's county, and draws each firm's yearly figures from its
industry's typical per-mu level with a log-normal spread. Two years are written, the second drawn
from the first with growth noise, so classes change between them. Every file says it is synthetic:
the CSV has a 数据来源 column on every row, the firm names start with 示例, and every parcel has
`synthetic: true` and a `source` naming this script and the seed.

Standard library only. Deterministic for a seed:
    python3 scripts/gen_firms.py --firms 2000 --seed 42 --out GeoData/examples/evaluation
    python3 scripts/gen_firms.py --firms 100000 --seed 7 --out /tmp/bench   # the benchmark's input
"""
import argparse
import csv
import json
import math
import os
import random

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]
SOURCE = "synthetic: scripts/gen_firms.py seed {seed} — not real firms or parcels (合成示例数据，非真实企业)"

# division, name, share, typical 规上 亩均税收 and 亩均增加值 (万元/亩), energy tce per 万元 VA,
# emissions t per 万元 VA, kWh per 元 tax scale, R&D share of revenue (%). Rough Jiaxing-like levels.
INDUSTRIES = [
    ("C17", "纺织", 0.16, 9, 70, 0.45, 0.004, 1.6, 1.2),
    ("C18", "服装", 0.07, 7, 55, 0.10, 0.001, 0.7, 0.8),
    ("C19", "皮革", 0.05, 8, 55, 0.12, 0.002, 0.8, 0.9),
    ("C21", "家具", 0.05, 8, 50, 0.08, 0.001, 0.6, 1.0),
    ("C26", "化工", 0.07, 35, 160, 0.80, 0.010, 1.2, 2.0),
    ("C27", "医药", 0.03, 45, 190, 0.20, 0.003, 0.4, 5.0),
    ("C28", "化纤", 0.06, 20, 120, 0.90, 0.005, 2.0, 1.5),
    ("C29", "橡塑", 0.07, 12, 75, 0.25, 0.002, 0.9, 1.5),
    ("C33", "金属制品", 0.08, 12, 70, 0.20, 0.002, 0.9, 1.6),
    ("C34", "通用设备", 0.09, 16, 90, 0.08, 0.001, 0.5, 3.0),
    ("C36", "汽车零部件", 0.06, 22, 110, 0.07, 0.001, 0.5, 3.2),
    ("C38", "电气光伏", 0.10, 20, 120, 0.10, 0.001, 0.6, 3.5),
    ("C39", "电子", 0.09, 25, 140, 0.06, 0.001, 0.5, 4.5),
    ("D44", "电力热力", 0.02, 30, 150, 3.00, 0.020, 0.3, 0.5),
]
SUFFIX = ["科技", "实业", "制造", "材料", "机械", "纺织", "电子", "新能源", "精密", "智能"]
WORDS = "禾欣嘉南秀湖善盐宁平桐濮乍澉硖马崇乌梧新港城湾滨浦泾澄凤鸣锦瑞丰恒达康泰华盛"


def credit_code(rng, county):
    """91 + county adcode + 8-digit organisation code + GB 11714 check + GB 32100 check."""
    org = [rng.randrange(10) for _ in range(8)]
    s = sum(d * w for d, w in zip(org, [3, 7, 9, 10, 5, 8, 4, 2]))
    c = 11 - s % 11
    org_check = "X" if c == 10 else ("0" if c == 11 else str(c))
    first17 = "91" + county + "".join(map(str, org)) + org_check
    total = sum(ALPHABET.index(ch) * w for ch, w in zip(first17, WEIGHTS))
    k = 31 - total % 31
    return first17 + ALPHABET[0 if k == 31 else k]


class Region:
    """A (multi)polygon with edges bucketed by latitude band, for a fast point-in-polygon test."""

    def __init__(self, geometry):
        polys = geometry["coordinates"] if geometry["type"] == "MultiPolygon" else [geometry["coordinates"]]
        self.edges = []
        xs, ys = [], []
        for poly in polys:
            for ring in poly:
                for (x1, y1), (x2, y2) in zip(ring, ring[1:]):
                    self.edges.append((x1, y1, x2, y2))
                    xs += [x1]; ys += [y1]
        self.bbox = (min(xs), min(ys), max(xs), max(ys))
        self.band = 0.005
        self.buckets = {}
        for e in self.edges:
            lo, hi = sorted((e[1], e[3]))
            for b in range(int(lo / self.band), int(hi / self.band) + 1):
                self.buckets.setdefault(b, []).append(e)

    def contains(self, x, y):
        if not (self.bbox[0] <= x <= self.bbox[2] and self.bbox[1] <= y <= self.bbox[3]):
            return False
        inside = False
        for x1, y1, x2, y2 in self.buckets.get(int(y / self.band), ()):
            if (y1 > y) != (y2 > y) and x < x1 + (y - y1) * (x2 - x1) / (y2 - y1):
                inside = not inside
        return inside


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--firms", type=int, default=2000)
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--year", type=int, default=2025, help="the later year; the earlier is year - 1")
    ap.add_argument("--geodata", default=os.path.join(os.path.dirname(__file__), "..", "GeoData"))
    ap.add_argument("--spread-km", type=float, default=3.0, help="how far around a platform's box firms may sit")
    ap.add_argument("--land-scale", type=float, default=1.0, help="scale the parcels' sizes (the benchmark packs 100,000 firms)")
    ap.add_argument("--out", required=True)
    a = ap.parse_args()
    rng = random.Random(a.seed)
    source = SOURCE.format(seed=a.seed)

    admin = json.load(open(os.path.join(a.geodata, "layers", "admin.geojson"), encoding="utf-8"))
    counties = {f["properties"]["adcode"]: Region(f["geometry"]) for f in admin["features"] if f["properties"]["kind"] == "county"}
    plat = json.load(open(os.path.join(a.geodata, "layers", "platforms.geojson"), encoding="utf-8"))
    platforms = []
    for f in plat["features"]:
        c = f["properties"]["county"]
        platforms.append((f["properties"]["id"], c[0] if isinstance(c, list) else c, Region(f["geometry"])))

    occupied = set()
    cell = 0.001  # ≈ 100 m

    def cells(x0, y0, x1, y1):
        return {(i, j) for i in range(int(x0 / cell), int(x1 / cell) + 1) for j in range(int(y0 / cell), int(y1 / cell) + 1)}

    def place(land_mu):
        """A free rectangle of land_mu 亩 inside (70 %) or around a platform, in its county."""
        for _ in range(60 if a.firms <= 10000 else 600):
            pid, county, region = rng.choice(platforms)
            x0, y0, x1, y1 = region.bbox
            inside = rng.random() < (0.7 if a.spread_km <= 3 else 0.3)
            if inside:
                x, y = rng.uniform(x0, x1), rng.uniform(y0, y1)
                if not region.contains(x, y):
                    continue
            else:
                m = a.spread_km / 100  # ≈ km → degrees around the platform's box
                x, y = rng.uniform(x0 - m, x1 + m), rng.uniform(y0 - m, y1 + m)
                if region.contains(x, y) or not counties[county].contains(x, y):
                    continue
            area = land_mu * 10000 / 15
            aspect = rng.uniform(1, 2.2)
            w, h = math.sqrt(area * aspect), math.sqrt(area / aspect)
            dx, dy = w / 2 / (111320 * math.cos(math.radians(y))), h / 2 / 110574
            box = cells(x - dx, y - dy, x + dx, y + dy)
            if box & occupied:
                continue
            occupied.update(box)
            ring = [[x - dx, y - dy], [x + dx, y - dy], [x + dx, y + dy], [x - dx, y + dy], [x - dx, y - dy]]
            return county, [[[round(px, 7), round(py, 7)] for px, py in ring]]
        return None

    shares = [i[2] for i in INDUSTRIES]
    firms, features = [], []
    names, codes = set(), set()
    n = -1
    while len(firms) < a.firms and n < 3 * a.firms:
        n += 1
        ind = rng.choices(INDUSTRIES, weights=shares)[0]
        above = rng.random() < 0.4 or ind[0] == "D44"
        land = rng.lognormvariate(math.log(45 if above else 9), 0.6)
        land = round(min(max(land * a.land_scale, 1.2), 600), 2)
        spot = place(land)
        if spot is None:
            continue
        county, rings = spot
        code = credit_code(rng, county)
        while code in codes:
            code = credit_code(rng, county)
        codes.add(code)
        while True:
            name = "示例" + "".join(rng.choice(WORDS) for _ in range(2 if a.firms <= 10000 else 4)) + ind[1] + rng.choice(SUFFIX) + "有限公司"
            if name not in names:
                names.add(name); break
        eff = rng.lognormvariate(0, 0.55) * (1 if above else 0.45)
        tax = land * ind[3] * eff
        va = land * ind[4] * eff * rng.lognormvariate(0, 0.2)
        revenue = va * rng.uniform(3.5, 5.5)
        start = rng.choice(range(1995, a.year + 1)) if rng.random() < 0.06 else rng.randrange(1995, a.year - 2)
        kind = rng.random()
        firm = dict(code=code, name=name, industry=ind[0] + str(rng.randrange(10, 99)), above=above, county=county, start=start,
                    land=land, tax=tax, va=va, revenue=revenue,
                    energy=va * ind[5] * rng.lognormvariate(0, 0.4), power=tax * ind[7] * rng.lognormvariate(0, 0.3) * 10,
                    emis=va * ind[6] * rng.lognormvariate(0, 0.6) if rng.random() > 0.15 else 0.0,
                    rd=revenue * ind[8] / 100 * rng.lognormvariate(0, 0.5), staff=max(3, round(va / rng.uniform(18, 40))),
                    idle=kind < 0.02, no_parcel=0.02 <= kind < 0.04)
        firms.append(firm)
        owner = None if 0.04 <= kind < 0.05 else code  # about 1 % of parcels carry no firm (unclaimed)
        if not firm["no_parcel"]:
            features.append({"type": "Feature", "id": f"P{n + 1:06d}",
                             "properties": {"parcel_id": f"P{n + 1:06d}", "统一社会信用代码": owner, "synthetic": True, "source": source},
                             "geometry": {"type": "Polygon", "coordinates": rings}})

    os.makedirs(a.out, exist_ok=True)
    header = ["统一社会信用代码", "企业名称", "行业代码", "规模", "行政区划代码", "投产年份", "用地面积(亩)", "税收(万元)", "工业增加值(万元)",
              "主营业务收入(万元)", "综合能耗(吨标准煤)", "用电量(万千瓦时)", "主要污染物排放当量(吨)", "研发经费支出(万元)", "年平均职工人数", "数据来源"]
    for year in (a.year - 1, a.year):
        path = os.path.join(a.out, f"firms-{year}.csv")
        with open(path, "w", encoding="utf-8", newline="") as fh:
            w = csv.writer(fh, lineterminator="\r\n")
            w.writerow(header)
            for f in firms:
                if f["start"] > year:
                    continue
                g = 1.0 if year == a.year - 1 else rng.lognormvariate(0.04, 0.25)
                f["tax"] *= g; f["va"] *= g; f["revenue"] *= g; f["energy"] *= g; f["power"] *= g; f["emis"] *= g; f["rd"] *= g
                idle = f["idle"] and year == a.year
                r2 = lambda v: f"{v:.2f}"
                above = f["above"]
                w.writerow([f["code"], f["name"], f["industry"], "规上" if above else "规下", f["county"], f["start"],
                            r2(f["land"]) if f["no_parcel"] else "",
                            r2(0 if idle else f["tax"] * 0.1 if f["idle"] else f["tax"]),
                            r2(0 if idle else f["va"]) if above else "",
                            r2(0 if idle else f["revenue"]),
                            r2(f["energy"]) if above else "",
                            r2(0 if idle else f["power"]),
                            r2(f["emis"]) if above else "",
                            r2(f["rd"]) if above else "",
                            f["staff"] if above else "",
                            "合成数据 synthetic (scripts/gen_firms.py)"])
    with open(os.path.join(a.out, "parcels.geojson"), "w", encoding="utf-8") as fh:
        json.dump({"type": "FeatureCollection", "name": "synthetic parcels (合成示例)", "features": features}, fh,
                  ensure_ascii=False, separators=(",", ":"))
        fh.write("\n")
    print(f"wrote {len(firms)} synthetic firms and {len(features)} parcels to {a.out}")


if __name__ == "__main__":
    main()
