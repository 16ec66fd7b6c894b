#!/usr/bin/env python3
"""Generates the 报部 TXT fixtures for BaobuTXTTests.swift. Run from this folder:

    python3 make_fixtures.py

Coordinates are CGCS2000 3° Gauss-Krüger zone 40 (CM 120°E) near Jiaxing: eastings
40 55x xxx (≈120.57°E), northings 3 39x xxx – 3 40x xxx (≈30.7°N). X = northing, Y = easting.
Every file has the same 11-line [属性描述] block, so [地块坐标] is line 12 and the first parcel
header is line 13; the tests rely on that.
"""
import os

HERE = os.path.dirname(os.path.abspath(__file__))
PREFIX = 40_000_000

ATTRS = [
    ("格式版本号", "1.01版本"),
    ("数据产生单位", "嘉兴市自然资源和规划局"),
    ("数据产生日期", "2024-05-20"),
    ("坐标系", "2000国家大地坐标系"),   # line 5
    ("几度分带", "3"),
    ("投影类型", "高斯克吕格"),
    ("计量单位", "米"),
    ("带号", "40"),                      # line 9
    ("精度", "0.001"),
    ("转换参数", ",,,,,,"),
]


def shoelace(ring):
    s = 0.0
    for (x1, y1), (x2, y2) in zip(ring, ring[1:] + ring[:1]):
        s += x1 * y2 - x2 * y1
    return abs(s) / 2


def area_ha(rings, holes=()):
    """rings: list of (E, N) vertex lists (not closed); holes: indexes of hole rings."""
    a = 0.0
    for i, r in enumerated(rings):
        a += -shoelace(r) if i in holes else shoelace(r)
    return a / 10_000


def enumerated(xs):
    return list(enumerate(xs))


def ring_lines(ring, ring_no, start, closing="same_id", prefix=True, swap=False, zone_prefix=PREFIX):
    """Point lines for one ring; returns (lines, next point number)."""
    out = []
    n = start
    first_id = f"J{n}"
    for e, nn in ring:
        y = e + zone_prefix if prefix else e
        x = nn
        if swap:
            x, y = y, x
        out.append([f"J{n}", str(ring_no), f"{x:.3f}", f"{y:.3f}"])
        n += 1
    e, nn = ring[0]
    y = e + zone_prefix if prefix else e
    x = nn
    if swap:
        x, y = y, x
    if closing == "same_id":
        out.append([first_id, str(ring_no), f"{x:.3f}", f"{y:.3f}"])
    elif closing == "same_coord":
        out.append([f"J{n}", str(ring_no), f"{x:.3f}", f"{y:.3f}"])
        n += 1
    return out, n


def parcel(number, name, rings, holes=(), use="工业用地", land="0601", sheet="H51G018045",
           closing="same_id", prefix=True, swap=False, declared=None, count_delta=0,
           zone_prefix=PREFIX, trailing_at=True):
    lines = []
    n = 1
    for i, r in enumerated(rings):
        pts, n = ring_lines(r, i + 1, n, closing, prefix, swap, zone_prefix)
        lines += [",".join(p) for p in pts]
    a = area_ha(rings, holes) if declared is None else declared
    header = [str(len(lines) + count_delta), f"{a:.4f}", number, name, "面", sheet, use, land]
    if trailing_at:
        header.append("@")
    return [",".join(header)] + lines


def document(parcels, attrs=ATTRS, coord_header=True):
    lines = ["[属性描述]"] + [f"{k}={v}" for k, v in attrs]
    if coord_header:
        lines.append("[地块坐标]")
    for p in parcels:
        lines += p
    return lines


def save(name, lines, encoding="utf-8", eol="\n"):
    with open(os.path.join(HERE, name), "wb") as f:
        f.write((eol.join(lines) + eol).encode(encoding))


def shift(ring, de, dn):
    return [(e + de, n + dn) for e, n in ring]


# A hexagonal site ≈ 4.69 ha (E, N), clockwise from the north-west corner.
HEX = [(555120.456, 3402310.125), (555305.780, 3402298.402), (555362.117, 3402180.660),
       (555298.904, 3402095.338), (555131.220, 3402101.947), (555082.611, 3402205.873)]
SQUARE = [(556000.000, 3401000.000), (556200.000, 3401000.000), (556200.000, 3400850.000),
          (556000.000, 3400850.000)]
# A hole well inside HEX.
HOLE = [(555180.250, 3402240.500), (555240.750, 3402240.500), (555240.750, 3402160.250),
        (555180.250, 3402160.250)]
# Bow tie: J1→J2 crosses J3→J4.
BOWTIE = [(557000.000, 3399000.000), (557100.000, 3399100.000), (557100.000, 3399000.000),
          (557000.000, 3399100.000)]


save("one_parcel_utf8_lf.txt", document([parcel("JX2024-001", "嘉兴经济技术开发区工业地块", [HEX])]))

save("two_parcels_gbk_crlf.txt", document([
    parcel("330402-001", "南湖区新丰镇工业用地", [HEX]),
    # 地块面积 declared 2 % larger than computed; closing point not repeated.
    parcel("330402-002", "南湖区大桥镇工业用地", [SQUARE], closing="none",
           declared=area_ha([SQUARE]) * 1.02),
]), encoding="gbk", eol="\r\n")

save("hole.txt", document([parcel("JX2024-003", "带内环地块", [HEX, HOLE], holes=(1,))]))

save("two_parts.txt", document([parcel("JX2024-004", "两部分地块", [HEX, SQUARE])]))

save("closing_variants.txt", document([
    parcel("C-1", "闭合点同点号", [HEX], closing="same_id"),
    parcel("C-2", "闭合点同坐标", [shift(HEX, 1000, 0)], closing="same_coord"),
    parcel("C-3", "无闭合点", [shift(HEX, 2000, 0)], closing="none"),
]))

save("no_prefix.txt", document([parcel("JX2024-005", "无带号前缀", [HEX], prefix=False)]))

# --- bad files -------------------------------------------------------------------------
save("bad_swapped.txt", document([parcel("B-1", "XY颠倒", [HEX], swap=True)]))            # line 14
save("bad_zone39.txt", document([parcel("B-2", "带号39", [HEX], zone_prefix=39_000_000)]))  # line 14, Y
save("bad_count.txt", document([parcel("B-3", "点数不符", [HEX], count_delta=1)]))         # line 13
bad = document([parcel("B-4", "非数字坐标", [HEX])])
bad[15] = bad[15].replace("3402180.660", "3402l80.660")                                    # line 16, X
save("bad_nonnumeric.txt", bad)
save("bad_missing_coord_section.txt",
     document([parcel("B-5", "缺少地块坐标节", [HEX])], coord_header=False))                # line 12
save("bad_xian80.txt", document([parcel("B-6", "西安80", [HEX])],
                                attrs=[(k, "1980西安坐标系" if k == "坐标系" else v) for k, v in ATTRS]))  # line 5
save("bad_selfintersect.txt", document([parcel("B-7", "自相交", [BOWTIE], declared=0.5)]))  # line 14
open(os.path.join(HERE, "bad_empty.txt"), "wb").close()                                     # line 1
save("bad_no_at.txt", document([parcel("B-8", "缺少@", [HEX], trailing_at=False)]))        # line 13
save("bad_duplicate.txt", document([parcel("B-9", "重复编号", [HEX]),
                                    parcel("B-9", "重复编号", [SQUARE])]))                 # line 21
