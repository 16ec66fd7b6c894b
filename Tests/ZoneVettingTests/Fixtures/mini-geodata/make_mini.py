#!/usr/bin/env python3
"""Writes a tiny, hand-checkable GeoData for the rule tests (run from this folder).

A 0.1° × 0.1° "city" near Jiaxing split into two counties at lon 120.75; one platform; one zone of
each functional category; one main-city guidance area; a core ring; a strip (lon 120.79–120.80,
lat 30.70–30.75) with no functional-zone data, to test failing closed. Not real data: test fixture.
"""
import json

def box(w, s, e, n):
    return {"type": "Polygon", "coordinates": [[[w, s], [e, s], [e, n], [w, n], [w, s]]]}

def box_with_hole(outer, hole):
    w, s, e, n = outer
    hw, hs, he, hn = hole
    return {"type": "Polygon", "coordinates": [
        [[w, s], [e, s], [e, n], [w, n], [w, s]],
        [[hw, hs], [hw, hn], [he, hn], [he, hs], [hw, hs]]]}

def feat(fid, name, kind, geom, **extra):
    p = {"id": fid, "name": name, "kind": kind, "source": "test fixture (tests only)",
         "geometry_method": "schematic: test box", "schematic": True, "accuracy_m": 0}
    p.update(extra)
    return {"type": "Feature", "id": fid, "geometry": geom, "properties": p}

def write(name, feats):
    json.dump({"type": "FeatureCollection", "features": feats}, open(f"layers/{name}.geojson", "w"), ensure_ascii=False, indent=1)

write("admin", [
    feat("city", "测试市", "city", box(120.70, 30.70, 120.80, 30.80), adcode="330400"),
    feat("county-a", "甲县", "county", box(120.70, 30.70, 120.75, 30.80), name_en="County A", adcode="330402"),
    feat("county-b", "乙县", "county", box(120.75, 30.70, 120.80, 30.80), name_en="County B", adcode="330411"),
])
write("platforms", [
    feat("platform-nat", "国家级测试开发区", "platform", box(120.71, 30.71, 120.74, 30.74), tier="national", industries=["电子信息"]),
])
write("function_zones", [
    feat("fz-key", "重点开发区（甲）", "function_zone", box(120.70, 30.70, 120.75, 30.80), category="key"),
    feat("fz-opt", "优化开发区（乙北）", "function_zone", box(120.75, 30.75, 120.80, 30.80), category="optimized"),
    feat("fz-eco", "生态经济区（乙南）", "function_zone", box_with_hole((120.75, 30.70, 120.79, 30.75), (120.76, 30.71, 120.77, 30.72)), category="ecological"),
    feat("fz-pro", "禁止开发区（水源）", "function_zone", box(120.76, 30.71, 120.77, 30.72), category="prohibited"),
])
write("layout", [
    feat("main-city", "测试主城", "main_city", box(120.70, 30.70, 120.80, 30.80),
         guidance={"lead": ["电子信息"], "upgrade": ["纺织"], "foster": ["新能源"]}, source="seed 000:286"),
    feat("core-ring", "核心圈层", "core_ring", box(120.76, 30.77, 120.78, 30.79), source="seed 000:281"),
])
# Land: all of county A; county B but for a 0.005° "sea" corner in the south-east (lon 120.795–120.80,
# lat 30.70–30.705), inside the strip with no functional-zone data.
write("land", [
    feat("land-a", "甲县陆域", "land", box(120.70, 30.70, 120.75, 30.80), county="330402"),
    feat("land-b", "乙县陆域", "land", {"type": "Polygon", "coordinates": [[[120.75, 30.70], [120.795, 30.70], [120.795, 30.705],
                                                                             [120.80, 30.705], [120.80, 30.80], [120.75, 30.80], [120.75, 30.70]]]},
         county="330411"),
])
