#!/usr/bin/env python3
"""Seeded synthetic applications for timing `zoneplan check`: a GeoJSON FeatureCollection of N
sites over Jiaxing's bounding box (120.3–121.3°E, 30.3–31.0°N), squares and irregular polygons of
10–500 亩, with plausible figures per 亩.

    python3 scripts/gen_apps.py 10000 > /tmp/apps.geojson
    python3 scripts/gen_apps.py 10000 --seed 7 -o /tmp/apps.geojson
    python3 scripts/gen_apps.py 1000000 --seq -o /tmp/apps.geojsons   # RFC 8142 text sequence, streamed
"""
import argparse
import json
import math
import random
import sys

MU_M2 = 10000.0 / 15.0
M_PER_DEG_LAT = 111_000.0
M_PER_DEG_LON = 95_500.0  # at ~30.7°N
# (code, investment 万元/亩, output 万元/亩/年, value added share, energy tce per 万元 output)
INDUSTRIES = [
    ("C3971", 600, 900, 0.25, 0.02),   # 电子元件
    ("C2614", 450, 800, 0.18, 0.15),   # 有机化学原料
    ("C1713", 250, 400, 0.20, 0.08),   # 棉印染精加工
    ("C3411", 400, 550, 0.22, 0.03),   # 锅炉及辅助设备
    ("C4011", 500, 700, 0.28, 0.01),   # 工业自动控制系统装置
]


def ring(rng, lon, lat, r, n, jitter, rot):
    pts = []
    for k in range(n):
        a = rot + 2 * math.pi * k / n
        rr = r * (1 + jitter * rng.uniform(-1, 1))
        pts.append([round(lon + rr * math.cos(a) / M_PER_DEG_LON, 7), round(lat + rr * math.sin(a) / M_PER_DEG_LAT, 7)])
    pts.append(pts[0])
    return pts


def app(rng, i):
    mu = rng.uniform(10, 500)
    area = mu * MU_M2
    lon, lat = rng.uniform(120.3, 121.3), rng.uniform(30.3, 31.0)
    rot = rng.uniform(0, math.pi / 2)
    if rng.random() < 0.5:
        coords = ring(rng, lon, lat, math.sqrt(area / 2), 4, 0.0, rot)          # square
    else:
        n = rng.randint(5, 12)                                                   # irregular, star-shaped
        coords = ring(rng, lon, lat, math.sqrt(area / math.pi), n, 0.25, rot)
    code, inv, out, va, en = rng.choice(INDUSTRIES)
    f = rng.uniform(0.7, 1.4)
    output = round(out * mu * f, 1)
    props = {
        "name": f"synthetic application {i:05d}",
        "industry": code,
        "investment_wan": round(inv * mu * rng.uniform(0.7, 1.4), 1),
        "output_wan": output,
        "value_added_wan": round(output * va * rng.uniform(0.8, 1.2), 1),
        "energy_tce": round(output * en * rng.uniform(0.6, 1.5), 1),
    }
    return {"type": "Feature", "properties": props, "geometry": {"type": "Polygon", "coordinates": [coords]}}


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("n", type=int)
    p.add_argument("--seed", type=int, default=2026)
    p.add_argument("-o", "--output")
    p.add_argument("--seq", action="store_true", help="write an RFC 8142 GeoJSON text sequence (RS-prefixed lines)")
    a = p.parse_args()
    rng = random.Random(a.seed)
    if a.seq:
        out = open(a.output, "w", encoding="utf-8") if a.output else sys.stdout
        for i in range(a.n):
            out.write("\x1e" + json.dumps(app(rng, i), ensure_ascii=False) + "\n")
        if a.output:
            out.close()
        return
    fc = {"type": "FeatureCollection", "features": [app(rng, i) for i in range(a.n)]}
    text = json.dumps(fc, ensure_ascii=False)
    if a.output:
        with open(a.output, "w", encoding="utf-8") as fh:
            fh.write(text)
    else:
        sys.stdout.write(text)


if __name__ == "__main__":
    main()
