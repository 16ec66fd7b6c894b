#!/usr/bin/env bash
# End-to-end figures of what users run (part of `make bench`; also `make bench-e2e`):
#   1. `zoneplan check apps.geojsons --format jsonl` on E2E_N applications (default 100,000) over the
#      city, 2 jobs, beside `vet_shapely.py` (shapely 2 + pyproj, spatial facts only) on the same
#      file, with every application's area and county overlaps compared (scripts/compare_e2e.py);
#   2. E2E_BIG applications (default 1,000,000) streamed, peak RSS;
#   3. a cold `zoneplan check` of one application (hyperfine, 20 runs);
#   4. `zoneplan serve`: POST /vet and POST /decisions with 8 concurrent clients (wrk), RSS
#      before and after.
# Writes $E2E_OUT (default bench-e2e.json). Loopback only; every load is bounded in time.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PATH:/opt/swift/usr/bin"
SCRATCH=${SCRATCH:-.build}
N=${E2E_N:-100000}
BIG=${E2E_BIG:-1000000}
OUT=${E2E_OUT:-bench-e2e.json}
VENV=${BENCH_VENV:-/tmp/zoneplan-bench/venv}
W=$(mktemp -d)
SERVER_PID=""
cleanup() { [ -n "$SERVER_PID" ] && kill "$SERVER_PID" 2>/dev/null; rm -rf "$W"; }
trap cleanup EXIT
load() { cut -d' ' -f1-3 /proc/loadavg; }

bash scripts/install-deps.sh wrk hyperfine python3-venv >/dev/null
echo "== build (release)"
swift build -c release --scratch-path "$SCRATCH" --product zoneplan 2>&1 | tail -1
BIN=$SCRATCH/release/zoneplan
if [ ! -x "$VENV/bin/python" ]; then
  echo "== venv for the comparator (shapely, pyproj)"
  python3 -m venv "$VENV" && "$VENV/bin/pip" install -q shapely pyproj numpy
fi

echo "== $N applications: zoneplan check --format jsonl --jobs 2, and the shapely script"
python3 scripts/gen_apps.py "$N" --seq -o "$W/apps.geojsons"
L1=$(load)
/usr/bin/time -f '%e %M %U %S' -o "$W/zp.time" "$BIN" check --quiet --format jsonl --jobs 2 "$W/apps.geojsons" > "$W/zp.jsonl" || [ $? -le 1 ]
"$VENV/bin/python" ../shared/bench/vet_shapely.py GeoData/layers "$W/apps.geojsons" "$W/sh.jsonl" > "$W/sh.json"
python3 scripts/compare_e2e.py "$W/zp.jsonl" "$W/sh.jsonl" > "$W/cmp.json" || true
cat "$W/cmp.json"

echo "== $BIG applications streamed: peak RSS"
python3 scripts/gen_apps.py "$BIG" --seq -o "$W/big.geojsons"
L2=$(load)
/usr/bin/time -f '%e %M %U %S' -o "$W/big.time" "$BIN" check --quiet --format jsonl --jobs 2 "$W/big.geojsons" > /dev/null || [ $? -le 1 ]
rm -f "$W/big.geojsons"

echo "== very large sites: 50k, 100k, 200k vertices (vetting must stay near-linear)"
for v in 50000 100000 200000; do
  python3 - "$v" "$W/big_$v.geojson" <<'PY'
import json, math, sys
n, out = int(sys.argv[1]), sys.argv[2]
lon, lat, r = 120.70, 30.72, 0.004
pts = [[round(lon + r * (1 + 0.05 * math.sin(37 * 2 * math.pi * k / n)) * math.cos(2 * math.pi * k / n) / 0.96, 7),
        round(lat + r * (1 + 0.05 * math.sin(37 * 2 * math.pi * k / n)) * math.sin(2 * math.pi * k / n), 7)] for k in range(n)]
pts.append(pts[0])
json.dump({"type": "Feature", "properties": {"name": "large site", "industry": "C3971", "investment_wan": 1e6, "output_wan": 1.5e6,
           "value_added_wan": 3e5, "energy_tce": 900}, "geometry": {"type": "Polygon", "coordinates": [pts]}}, open(out, "w"))
PY
  /usr/bin/time -f '%e %M' -o "$W/large_$v.time" "$BIN" check --quiet --format json "$W/big_$v.geojson" > /dev/null || [ $? -le 1 ]
done

echo "== cold check of one application"
hyperfine -N --warmup 2 --runs 20 -i --export-json "$W/cold.json" \
  "$BIN check --quiet GeoData/examples/jinko-solar-cells.geojson" > /dev/null
# The same without the PROJ operation cache (the first run on a machine, or ZONEPLAN_CACHE_DIR=off).
ZONEPLAN_CACHE_DIR=off hyperfine -N --warmup 2 --runs 20 -i --export-json "$W/cold_nocache.json" \
  "$BIN check --quiet GeoData/examples/jinko-solar-cells.geojson" > /dev/null
L4=$(load)

echo "== server: POST /vet and POST /decisions, 8 clients"
PORT=$((20000 + RANDOM % 20000))
WS="$W/ws.sqlite"
TOKEN=bench-token-0123456789abcdef
"$BIN" init --db "$WS" --quiet >/dev/null
ZONEPLAN_TOKEN=$TOKEN "$BIN" serve --quiet --db "$WS" --port "$PORT" >"$W/serve.log" 2>&1 &
SERVER_PID=$!
for _ in $(seq 50); do curl -fs "http://127.0.0.1:$PORT/health" >/dev/null && break; sleep 0.2; done
cat > "$W/post.lua" <<LUA
wrk.method = "POST"
wrk.body = io.open("GeoData/examples/jinko-solar-cells.geojson"):read("*a")
wrk.headers["Content-Type"] = "application/geo+json"
wrk.headers["Authorization"] = "Bearer $TOKEN"
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format('{"requests":%d,"errors":%d,"non2xx":%d,"p50_ms":%.3f,"p99_ms":%.3f,"rps":%.1f}\n',
    summary.requests, e.connect + e.read + e.write + e.timeout, e.status,
    latency:percentile(50) / 1000, latency:percentile(99) / 1000, summary.requests / (summary.duration / 1e6)))
end
LUA
rss() { awk '/VmRSS/ {print $2}' "/proc/$SERVER_PID/status"; }
curl -fs -X POST --data-binary @GeoData/examples/jinko-solar-cells.geojson "http://127.0.0.1:$PORT/vet" >/dev/null
RSS0=$(rss); L3=$(load)
wrk -t2 -c8 -d15s -s "$W/post.lua" "http://127.0.0.1:$PORT/vet" | tail -1 > "$W/vet.json"
RSS1=$(rss)
wrk -t2 -c8 -d15s -s "$W/post.lua" "http://127.0.0.1:$PORT/vet" | tail -1 > "$W/vet2.json"
RSS2=$(rss)
wrk -t2 -c8 -d10s -s "$W/post.lua" "http://127.0.0.1:$PORT/decisions" | tail -1 > "$W/dec.json"
RSS3=$(rss)
kill "$SERVER_PID"; SERVER_PID=""

python3 - "$W" "$OUT" "$N" "$BIG" "$L1" "$L2" "$L3" "$RSS0" "$RSS1" "$RSS2" "$RSS3" "$L4" <<'PY'
import json, sys
w, out, n, big, l1, l2, l3, r0, r1, r2, r3, l4 = sys.argv[1:]
def t(name):
    # /usr/bin/time writes "Command exited with non-zero status 1" first when the check exits 1.
    f = open(f"{w}/{name}").read().strip().splitlines()[-1].split()
    return float(f[0]), int(f[1])
def cpu(name):
    f = open(f"{w}/{name}").read().strip().splitlines()[-1].split()
    return round(float(f[2]) + float(f[3]), 2)
zp_s, zp_kb = t("zp.time")
big_s, big_kb = t("big.time")
sh = json.load(open(f"{w}/sh.json"))
cmp_ = json.load(open(f"{w}/cmp.json"))
cold = json.load(open(f"{w}/cold.json"))["results"][0]
cold_nc = json.load(open(f"{w}/cold_nocache.json"))["results"][0]
res = {
    "check": {"n": int(n), "jobs": 2, "seconds": zp_s, "apps_per_s": round(int(n) / zp_s), "peak_rss_mb": round(zp_kb / 1024, 1), "cpu_s": cpu("zp.time"), "load": l1},
    "shapely": sh,
    "ratio_vs_shapely": round((int(n) / zp_s) / sh["apps_per_s"], 2),
    "agreement": cmp_,
    "big": {"n": int(big), "seconds": big_s, "apps_per_s": round(int(big) / big_s), "peak_rss_mb": round(big_kb / 1024, 1), "cpu_s": cpu("big.time"), "load": l2},
    "large_site_seconds": {v: t(f"large_{v}.time")[0] for v in ("50000", "100000", "200000")},
    "cold_check_ms": {"median": round(cold["median"] * 1000, 1), "mean": round(cold["mean"] * 1000, 1), "runs": len(cold["times"]),
                      "user_ms": round(cold["user"] * 1000, 1), "system_ms": round(cold["system"] * 1000, 1), "load": l4},
    "cold_check_without_proj_cache_ms": {"median": round(cold_nc["median"] * 1000, 1), "user_ms": round(cold_nc["user"] * 1000, 1),
                                         "system_ms": round(cold_nc["system"] * 1000, 1)},
    "server": {"vet": json.load(open(f"{w}/vet.json")), "vet_again": json.load(open(f"{w}/vet2.json")),
               "decisions": json.load(open(f"{w}/dec.json")), "load": l3,
               "rss_kb": {"start": int(r0), "after_vet": int(r1), "after_vet_again": int(r2), "after_decisions": int(r3)}},
}
json.dump(res, open(out, "w"), indent=1, ensure_ascii=False)
print(json.dumps(res, ensure_ascii=False, indent=1))
PY
