"""Packs .shp/.shx/.dbf triples into fuzz-shapefile inputs: two little-endian UInt16 lengths
(the .shp's, the .shx's), then the .shp, .shx and .dbf bytes (Fuzz/Shapefile/FuzzShapefile.swift)."""
import pathlib
import struct
import sys

out = pathlib.Path(sys.argv[1])
for shp in sorted(pathlib.Path(sys.argv[2]).glob("*.shp")):
    parts = [shp.read_bytes(), shp.with_suffix(".shx").read_bytes(), shp.with_suffix(".dbf").read_bytes()]
    if len(parts[0]) > 0xFFFF or len(parts[1]) > 0xFFFF:
        continue
    (out / (shp.stem + ".bin")).write_bytes(struct.pack("<HH", len(parts[0]), len(parts[1])) + b"".join(parts))
