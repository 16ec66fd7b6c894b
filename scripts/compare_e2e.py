#!/usr/bin/env python3
"""Checks `zoneplan check --format jsonl` against `vet_shapely.py` on the same applications: every
application's area and its county overlaps must agree within 0.01 亩.

usage: compare_e2e.py ZONEPLAN_JSONL SHAPELY_JSONL   (prints a JSON summary; exit 1 on a mismatch)
"""
import json
import sys

MU = 15.0 / 10000.0
TOL = 0.01

ours = {}
with open(sys.argv[1], encoding="utf-8") as fh:
    for line in fh:
        r = json.loads(line)
        ours[r["name"]] = r
worst_area = worst_county = 0.0
mismatches = []
n = 0
with open(sys.argv[2], encoding="utf-8") as fh:
    for line in fh:
        t = json.loads(line)
        r = ours.get(t["name"])
        if r is None:
            mismatches.append(f"{t['name']}: not in zoneplan's output")
            continue
        n += 1
        d = abs(r["area_mu"] - t["area_m2"] * MU)
        worst_area = max(worst_area, d)
        if d > TOL:
            mismatches.append(f"{t['name']}: area {r['area_mu']} vs {t['area_m2'] * MU:.4f} 亩")
        theirs = {z: a * MU for z, a in t["zones"] if z.startswith("county-")}
        mine = {c["id"]: c.get("overlap_mu", 0.0) for c in r["counties"]}
        for z in set(theirs) | set(mine):
            a, b = mine.get(z, 0.0), theirs.get(z, 0.0)
            worst_county = max(worst_county, abs(a - b))
            if abs(a - b) > TOL:
                mismatches.append(f"{t['name']}: {z} {a:.4f} vs {b:.4f} 亩")
print(json.dumps({"compared": n, "zoneplan_results": len(ours), "max_area_diff_mu": round(worst_area, 6),
                  "max_county_diff_mu": round(worst_county, 6), "mismatches": len(mismatches),
                  "first_mismatches": mismatches[:5]}, ensure_ascii=False))
sys.exit(1 if mismatches or n == 0 else 0)
