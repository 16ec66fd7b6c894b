#!/usr/bin/env bash
# Server soak (loopback only, bounded): `zoneplan serve` under wrk POST /vet with a mix of good and
# bad bodies for SOAK_SECONDS (default 60), plus slow clients, while /health is sampled every
# 100 ms. Prints JSON: wrk figures, /health p50/p99/max, RSS at start and end, crashes.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh wrk >/dev/null
BIN=${BIN:-.build/release/zoneplan}
SECS=${SOAK_SECONDS:-60}
W=$(mktemp -d)
PORT=$((20000 + RANDOM % 20000))
"$BIN" serve --quiet --port "$PORT" >"$W/serve.log" 2>&1 &
PID=$!
trap 'kill $PID 2>/dev/null; rm -rf "$W"' EXIT
for _ in $(seq 50); do curl -fs "http://127.0.0.1:$PORT/health" >/dev/null && break; sleep 0.2; done
RSS0=$(awk '/VmRSS/ {print $2}' /proc/$PID/status)
cat > "$W/mix.lua" <<'LUA'
local bodies = {}
for _, f in ipairs({"jinko-solar-cells", "prohibited-zone", "outside-platforms", "two-counties"}) do
  bodies[#bodies + 1] = io.open("GeoData/examples/" .. f .. ".geojson"):read("*a")
end
for _, f in ipairs({"not-json", "point", "swapped", "self-intersection"}) do
  local h = io.open("GeoData/examples/bad/" .. f .. ".geojson")
  if h then bodies[#bodies + 1] = h:read("*a") end
end
bodies[#bodies + 1] = '{"type":"Feature","properties":{"name":"x","industry":"C3976","value_added_wan":1e-320},"geometry":{"type":"GeometryCollection","geometries":[]}}'
bodies[#bodies + 1] = "[属性描述]\n" .. string.rep("k=v\n", 5000)
local i = 0
request = function()
  i = i + 1
  return wrk.format("POST", "/vet", {["Content-Type"] = "application/geo+json"}, bodies[(i % #bodies) + 1])
end
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format('{"requests":%d,"socket_errors":%d,"non2xx":%d,"p50_ms":%.3f,"p99_ms":%.3f}\n',
    summary.requests, e.connect + e.read + e.write + e.timeout, e.status, latency:percentile(50) / 1000, latency:percentile(99) / 1000))
end
LUA
python3 - "$PORT" "$SECS" > "$W/health.json" <<'PY' &
import json, socket, sys, time
port, secs = int(sys.argv[1]), float(sys.argv[2])
lat, fails, end = [], 0, time.time() + secs
while time.time() < end:
    t = time.time()
    try:
        s = socket.create_connection(("127.0.0.1", port), timeout=5)
        s.sendall(b"GET /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        ok = s.recv(64).startswith(b"HTTP/1.1 200")
        s.close()
        lat.append((time.time() - t) * 1000) if ok else None
        fails += 0 if ok else 1
    except OSError:
        fails += 1
    time.sleep(0.1)
lat.sort()
q = lambda p: round(lat[min(len(lat) - 1, int(p * len(lat)))], 2) if lat else None
print(json.dumps({"samples": len(lat), "failures": fails, "p50_ms": q(0.5), "p99_ms": q(0.99), "max_ms": q(1.0)}))
PY
HP=$!
python3 Tests/ZoneServerTests/Fixtures/slow_clients.py "$PORT" 20 > "$W/slow.json" 2>&1 &
wrk -t2 -c8 -d"${SECS}s" -s "$W/mix.lua" "http://127.0.0.1:$PORT/vet" | tail -1 > "$W/wrk.json"
wait $HP || true
alive=$(kill -0 $PID 2>/dev/null && echo true || echo false)
RSS1=$(awk '/VmRSS/ {print $2}' /proc/$PID/status 2>/dev/null || echo 0)
echo "{\"seconds\": $SECS, \"vet\": $(cat "$W/wrk.json"), \"health\": $(cat "$W/health.json"), \"server_alive\": $alive, \"rss_kb\": [$RSS0, $RSS1], \"load\": \"$(cut -d' ' -f1-3 /proc/loadavg)\"}"
