#!/usr/bin/env bash
# Plan layers over OGC API – Features: `zoneplan serve` beside pygeoapi (Flask, 2 gunicorn workers,
# its GeoJSON provider) serving the same GeoData/layers/*.geojson, on loopback (part of `make bench`;
# also `make bench-layers`).
#   1. both servers must return the same feature ids for every layer (pages and single items);
#   2. wrk -t1 -c8 for LAYERS_DURATION (default 10s) per request, gzip accepted, on an items page
#      (?limit=100: every feature of the layer) and one single item of every layer;
#   3. req/s, p50/p99 and the load average, into $LAYERS_OUT (default bench-layers.json) and the
#      section between the layers markers of BENCHMARKS.md. Bar (issue 17): ≥ 3× pygeoapi's req/s.
# Loopback only; every load is bounded in time; both servers are stopped on exit.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PATH:/opt/swift/usr/bin"
SCRATCH=${SCRATCH:-.build}
OUT=${LAYERS_OUT:-bench-layers.json}
DURATION=${LAYERS_DURATION:-10s}
VENV=${PYGEOAPI_VENV:-/tmp/zoneplan-bench/pygeoapi-venv}
W=$(mktemp -d)
PIDS=()
cleanup() { for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$W"; }
trap cleanup EXIT

bash scripts/install-deps.sh wrk python3-venv >/dev/null
echo "== build (release)"
swift build -c release --scratch-path "$SCRATCH" --product zoneplan 2>&1 | tail -1
BIN=$SCRATCH/release/zoneplan
if [ ! -x "$VENV/bin/gunicorn" ] || [ ! -x "$VENV/bin/pygeoapi" ]; then
  echo "== venv for the comparator (pygeoapi, gunicorn)"
  python3 -m venv "$VENV" && "$VENV/bin/pip" install -q pygeoapi gunicorn
fi
PYGEOAPI_VERSION=$("$VENV/bin/python" -c 'import pygeoapi; print(pygeoapi.__version__)')

ZP_PORT=$((20000 + RANDOM % 10000))
PG_PORT=$((30000 + RANDOM % 10000))
LAYERS=$(python3 -c 'import json; print(" ".join(l["name"] for l in json.load(open("GeoData/manifest.json"))["layers"]))')

# pygeoapi's configuration: one GeoJSON-provider collection per layer file, gzip on, pages up to 1000.
python3 - "$W" "$PG_PORT" <<'PY'
import json, os, sys
w, port = sys.argv[1], sys.argv[2]
manifest = json.load(open("GeoData/manifest.json"))
res = {}
for l in manifest["layers"]:
    path = os.path.abspath(os.path.join("GeoData", l["file"]))
    res[l["name"]] = {"type": "collection", "title": l["name"], "description": l["name"], "keywords": ["plan"],
                      "extents": {"spatial": {"bbox": [120.2, 30.2, 121.4, 31.1], "crs": "http://www.opengis.net/def/crs/OGC/1.3/CRS84"}},
                      "links": [], "providers": [{"type": "feature", "name": "GeoJSON", "data": path, "id_field": "id"}]}
cfg = {
    "server": {"bind": {"host": "127.0.0.1", "port": int(port)}, "url": f"http://127.0.0.1:{port}", "mimetype": "application/json; charset=UTF-8",
               "encoding": "utf-8", "gzip": True, "languages": ["en-US"], "cors": False, "pretty_print": False,
               "limits": {"default_items": 10, "max_items": 1000}, "map": {"url": "https://tile.openstreetmap.org/{z}/{x}/{y}.png", "attribution": "OSM"}},
    "logging": {"level": "ERROR"},
    "metadata": {"identification": {"title": "bench", "description": "bench", "keywords": ["bench"], "keywords_type": "theme",
                                    "terms_of_service": "none", "url": "http://127.0.0.1"},
                 "license": {"name": "CC-BY 4.0", "url": "https://creativecommons.org/licenses/by/4.0/"},
                 "provider": {"name": "bench", "url": "http://127.0.0.1"},
                 "contact": {k: "bench" for k in ("name", "position", "address", "city", "stateorprovince", "postalcode", "country",
                                                 "phone", "fax", "email", "url", "hours", "instructions", "role")}},
    "resources": res,
}
# JSON is YAML.
json.dump(cfg, open(os.path.join(w, "pygeoapi.yml"), "w"), ensure_ascii=False, indent=1)
PY
export PYGEOAPI_CONFIG="$W/pygeoapi.yml" PYGEOAPI_OPENAPI="$W/openapi.yml"
"$VENV/bin/pygeoapi" openapi generate "$PYGEOAPI_CONFIG" --output-file "$PYGEOAPI_OPENAPI" >/dev/null 2>"$W/openapi.err" || { cat "$W/openapi.err"; exit 1; }

echo "== start zoneplan serve (:$ZP_PORT) and pygeoapi $PYGEOAPI_VERSION under gunicorn, 2 workers (:$PG_PORT)"
"$BIN" serve --quiet --port "$ZP_PORT" >"$W/zp.log" 2>&1 &
PIDS+=($!)
(cd "$W" && exec "$VENV/bin/gunicorn" -w 2 -b "127.0.0.1:$PG_PORT" --log-level warning pygeoapi.flask_app:APP) >"$W/pg.log" 2>&1 &
PIDS+=($!)
for _ in $(seq 100); do
  curl -fs "http://127.0.0.1:$ZP_PORT/health" >/dev/null && curl -fs "http://127.0.0.1:$PG_PORT/collections?f=json" >/dev/null && break
  sleep 0.2
done
curl -fs "http://127.0.0.1:$PG_PORT/collections?f=json" >/dev/null || { echo "pygeoapi did not start:"; cat "$W/pg.log"; exit 1; }

echo "== the same features from both: every layer's ids, and each single item"
python3 - "$ZP_PORT" "$PG_PORT" $LAYERS > "$W/items.txt" <<'PY'
import json, sys, urllib.request
zp, pg, layers = sys.argv[1], sys.argv[2], sys.argv[3:]
def get(port, path):
    req = urllib.request.Request(f"http://127.0.0.1:{port}{path}", headers={"Accept": "application/geo+json"})
    return json.load(urllib.request.urlopen(req, timeout=30))
bad = []
for l in layers:
    a = [f["id"] for f in get(zp, f"/collections/{l}/items?limit=100")["features"]]
    b = [f["id"] for f in get(pg, f"/collections/{l}/items?limit=100&f=json")["features"]]
    if sorted(a) != sorted(b): bad.append(f"{l}: zoneplan {len(a)} ids, pygeoapi {len(b)}, differing {sorted(set(a) ^ set(b))[:5]}")
    for fid in a:
        x, y = get(zp, f"/collections/{l}/items/{fid}")["id"], get(pg, f"/collections/{l}/items/{fid}?f=json")["id"]
        if x != fid or y != fid: bad.append(f"{l}/{fid}: zoneplan {x}, pygeoapi {y}")
    print(l, a[0], len(a))
if bad:
    sys.exit("feature sets differ:\n" + "\n".join(bad))
PY
cat "$W/items.txt"

cat > "$W/report.lua" <<'LUA'
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format('\n{"requests":%d,"duration_s":%.3f,"errors":%d,"non2xx":%d,"p50_ms":%.3f,"p99_ms":%.3f,"bytes":%d}\n',
    summary.requests, summary.duration / 1e6, e.connect + e.read + e.write + e.timeout, e.status,
    latency:percentile(50) / 1000, latency:percentile(99) / 1000, summary.bytes))
end
LUA
measure() {  # name port path
  local load; load=$(cut -d' ' -f1 /proc/loadavg)
  wrk -t1 -c8 -d"$DURATION" -H 'Accept-Encoding: gzip' -H 'Accept: application/geo+json' -s "$W/report.lua" "http://127.0.0.1:$2$3" \
    | tail -1 | python3 -c 'import json,sys; d=json.load(sys.stdin); d["rps"]=round(d["requests"]/d["duration_s"],1); d["load_avg"]=float(sys.argv[1]); print(json.dumps(d))' "$load"
}

echo "== wrk -t1 -c8 -d$DURATION, Accept-Encoding: gzip"
: > "$W/runs.jsonl"
while read -r layer first count; do
  for kind in page item; do
    if [ "$kind" = page ]; then zpath="/collections/$layer/items?limit=100"; ppath="$zpath&f=json"
    else zpath="/collections/$layer/items/$first"; ppath="$zpath?f=json"; fi
    zsize=$(curl -s -H 'Accept-Encoding: gzip' "http://127.0.0.1:$ZP_PORT$zpath" | wc -c)
    psize=$(curl -s -H 'Accept-Encoding: gzip' "http://127.0.0.1:$PG_PORT$ppath" | wc -c)
    z=$(measure zoneplan "$ZP_PORT" "$zpath"); p=$(measure pygeoapi "$PG_PORT" "$ppath")
    echo "{\"layer\":\"$layer\",\"kind\":\"$kind\",\"features\":$count,\"path\":\"$zpath\",\"zoneplan\":$z,\"pygeoapi\":$p,\"gzip_bytes\":{\"zoneplan\":$zsize,\"pygeoapi\":$psize}}" >> "$W/runs.jsonl"
    python3 -c 'import json,sys; r=json.loads(sys.argv[1]); z=r["zoneplan"]["rps"]; p=r["pygeoapi"]["rps"]; print("%15s %-5s zoneplan %9.0f req/s  pygeoapi %7.0f req/s  %.1fx" % (r["layer"], r["kind"], z, p, z / max(p, 0.1)))' "$(tail -1 "$W/runs.jsonl")"
  done
done < "$W/items.txt"

python3 - "$W/runs.jsonl" "$OUT" "$PYGEOAPI_VERSION" "$DURATION" <<'PY'
import datetime, json, os, re, subprocess, sys
runs = [json.loads(l) for l in open(sys.argv[1])]
out, pgv, duration = sys.argv[2], sys.argv[3], sys.argv[4]
commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True).stdout.strip()
if subprocess.run(["git", "diff", "--quiet"]).returncode: commit += "+uncommitted"
cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), "?")
ratio = lambda r: r["zoneplan"]["rps"] / max(r["pygeoapi"]["rps"], 0.1)
met = {k: all(ratio(r) >= 3 and r["zoneplan"]["errors"] == 0 and r["zoneplan"]["non2xx"] == 0 for r in runs if r["kind"] == k) for k in ("page", "item")}
doc = {"date": datetime.date.today().isoformat(), "commit": commit, "cpu": cpu, "cores": os.cpu_count(), "pygeoapi": pgv,
       "wrk": f"-t1 -c8 -d{duration}, Accept-Encoding: gzip", "runs": runs,
       "bar": {"pages_3x": met["page"], "items_3x": met["item"]}}
json.dump(doc, open(out, "w"), indent=1, ensure_ascii=False)
rows = ["| layer | request | features | zoneplan req/s | p50 / p99 ms | pygeoapi req/s | p50 / p99 ms | ratio | gzip bytes zp / pg | load avg |",
        "|:---|:---|---:|---:|---:|---:|---:|---:|---:|---:|"]
for r in runs:
    z, p = r["zoneplan"], r["pygeoapi"]
    what = "items page `?limit=100`" if r["kind"] == "page" else "single item"
    rows.append(f"| {r['layer']} | {what} | {r['features'] if r['kind'] == 'page' else 1} | **{z['rps']:,.0f}** | {z['p50_ms']:.2f} / {z['p99_ms']:.2f} | "
                f"{p['rps']:,.0f} | {p['p50_ms']:.1f} / {p['p99_ms']:.1f} | **{ratio(r):.1f}×** | {r['gzip_bytes']['zoneplan']:,} / {r['gzip_bytes']['pygeoapi']:,} | "
                f"{z['load_avg']:.2f} / {p['load_avg']:.2f} |")
errs = {s: sum(r[s]["errors"] + r[s]["non2xx"] for r in runs) for s in ("zoneplan", "pygeoapi")}
text = "\n".join([
    f"Measured {doc['date']} on {cpu}, {os.cpu_count()} cores; commit {commit}; pygeoapi {pgv} (Flask, gunicorn 2 workers, GeoJSON provider); "
    f"`wrk {doc['wrk']}`; load avg at the start of each run (zoneplan / pygeoapi). Feature ids identical on both servers for every layer and item. "
    f"Socket errors (wrk's 2 s timeout included) or non-2xx answers: zoneplan {errs['zoneplan']}, pygeoapi {errs['pygeoapi']}.", "", *rows, "",
    f"| bar (issue 17) | result |", "|:---|:---|",
    f"| items pages ≥ 3× pygeoapi, every layer | {'met' if met['page'] else '**not met**'} |",
    f"| single items ≥ 3× pygeoapi, every layer | {'met' if met['item'] else '**not met**'} |",
])
md = open("BENCHMARKS.md").read()
new = re.sub(r"<!-- layers:begin -->.*<!-- layers:end -->", lambda m: "<!-- layers:begin -->\n" + text + "\n<!-- layers:end -->", md, flags=re.S)
if new != md: open("BENCHMARKS.md", "w").write(new)
print(text)
PY
echo "wrote $OUT"
