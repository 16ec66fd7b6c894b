#!/usr/bin/env bash
# 亩均效益 at scale: `zoneplan evaluate` on 100,000 SYNTHETIC firms (scripts/gen_firms.py, seed 7) with
# their parcels — read (CSV + GeoJSON), areas on EPSG:4549, county/platform by point, scored, classed,
# summarised and written, in every output format. The bar (issue 15): < 5 s on this machine. Release build; wall time and
# peak RSS by /usr/bin/time; best of 3. Figures go to BENCHMARKS.md by hand (section "亩均效益").
set -euo pipefail
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg) (on a busy machine the wall time is not the program's)"
cd "$(dirname "$0")/.."
export PATH="$PATH:/opt/swift/usr/bin"
DATA=${DATA:-/tmp/zoneplan-bench-evaluate}
FIRMS=${FIRMS:-100000}
if [[ ! -f "$DATA/firms-2025.csv" || "$(($(wc -l < "$DATA/firms-2025.csv") - 1))" -lt $((FIRMS * 9 / 10)) ]]; then
    echo "generating $FIRMS synthetic firms in $DATA (once; ~30 s)"
    python3 scripts/gen_firms.py --firms "$FIRMS" --seed 7 --spread-km 25 --land-scale 0.4 --out "$DATA"
fi
# BIN=path/to/zoneplan measures a binary already built (no release build).
if [[ -z "${BIN:-}" ]]; then
    swift build -c release --product zoneplan 2>&1 | tail -1
    BIN=.build/release/zoneplan
fi
echo "input: $(($(wc -l < "$DATA/firms-2025.csv") - 1)) firms, $(grep -o '"parcel_id"' "$DATA/parcels.geojson" | wc -l) parcels ($(du -h "$DATA/parcels.geojson" | cut -f1) GeoJSON)"
run() {  # label, format, extra args
    local best=999 rss=0 cpu=0 load
    load=$(cut -d' ' -f1 /proc/loadavg)
    for _ in 1 2 3; do
        /usr/bin/time -f "%e %M %U %S" -o "$DATA/time.txt" "$BIN" evaluate --quiet --geodata GeoData "$DATA/firms-2025.csv" \
            --parcels "$DATA/parcels.geojson" --year 2025 --format "$2" -o "$DATA/out.$2" "${@:3}"
        read -r t m u s < "$DATA/time.txt"
        if (( $(echo "$t < $best" | bc) )); then best=$t; rss=$m; cpu=$(echo "$u + $s" | bc); fi
    done
    printf '%-46s %6.2f s wall  %5.2f s CPU  peak RSS %4d MB  (%s)  load %s\n' "$1" "$best" "$cpu" $((rss / 1024)) "$(du -h "$DATA/out.$2" | cut -f1)" "$load"
}
run "evaluate → text (summaries and every firm)" text
run "evaluate → csv" csv
run "evaluate → json" json
run "evaluate → csv, with the previous year" csv --previous "$DATA/firms-2024.csv"
run "evaluate → geojson (parcels by class) + .qml" geojson
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
