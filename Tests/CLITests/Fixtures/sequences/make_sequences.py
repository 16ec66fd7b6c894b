#!/usr/bin/env python3
"""Writes the text-sequence fixtures of CheckStreamTests from GeoData/examples (run from here)."""
import glob, json, os

root = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "..", "..")
examples = sorted(glob.glob(os.path.join(root, "GeoData", "examples", "*.geojson")))
feats = [json.load(open(p, encoding="utf-8")) for p in examples]
names = [os.path.basename(p)[:-len(".geojson")] for p in examples]
def line(f): return json.dumps(f, ensure_ascii=False, separators=(",", ":"))

# RFC 8142: RS, the feature, LF — every example, in file-name order.
with open("apps.geojsons", "w", encoding="utf-8") as o:
    for f in feats: o.write("\x1e" + line(f) + "\n")
# One Feature per line, with a blank line and CRLF; the first six examples.
with open("apps.geojsonl", "w", encoding="utf-8", newline="") as o:
    for i, f in enumerate(feats[:6]):
        o.write(line(f) + ("\r\n" if i == 2 else "\n"))
        if i == 1: o.write("\n")
# RS sequence whose records 3 (not JSON) and 5 (unknown industry) are bad; six records.
bad = json.load(open(os.path.join(root, "GeoData", "examples", "bad", "unknown-industry.geojson"), encoding="utf-8"))
with open("apps-bad.geojsons", "w", encoding="utf-8") as o:
    recs = [line(feats[0]), line(feats[1]), '{"type": "Feature", "properties": {', line(feats[2]), line(bad), line(feats[3])]
    for r in recs: o.write("\x1e" + r + "\n")
with open("names.txt", "w") as o:
    o.write("\n".join(names) + "\n")
