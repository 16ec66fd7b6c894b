#!/usr/bin/env bash
# Builds the libFuzzer targets (Fuzz/, declared in Package.swift only with ZONEPLAN_FUZZ=1) into
# .build-fuzz, makes seed corpora from the test fixtures and GeoData/examples, and runs each
# reader's fuzzer for FUZZ_SECONDS at low priority. A crash leaves its input in
# Fuzz/artifacts/<reader>/; make it a fixture and a regression test (docs/RELIABILITY.md).
#   bash Fuzz/run.sh [reader ...]      readers: baobu-txt application-geojson rulepack-yaml shapefile server-request
#                                      evaluation-csv
#   FUZZ_SECONDS=120 (per reader)  FUZZ_NO_BUILD=1 (use the built binaries)  FUZZ_MAX_LEN=16384
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PATH:/opt/swift/usr/bin"
SECONDS_EACH=${FUZZ_SECONDS:-120}
# Longest input tried. The YAML reader slows from ~800 to ~100 exec/s as its corpus fills with
# large documents; FUZZ_MAX_LEN=2048 keeps it at the small inputs where its branches are.
MAX_LEN=${FUZZ_MAX_LEN:-16384}
READERS=("$@")
[ ${#READERS[@]} -gt 0 ] || READERS=(baobu-txt application-geojson rulepack-yaml shapefile server-request evaluation-csv)
SCRATCH=.build-fuzz
BIN=$SCRATCH/debug
WORK=$SCRATCH/corpus

if [ -z "${FUZZ_NO_BUILD:-}" ]; then
  for r in "${READERS[@]}"; do
    # lld, not the default gold: gold drops all but one module's coverage counters, and libFuzzer
    # then sees no coverage at all ("no interesting inputs ... is the code instrumented?").
    # Coverage: swiftc keeps only its LAST -sanitize= flag, and SwiftPM's `--sanitize=fuzzer
    # --sanitize=address` come out in either order, so half of all builds had no coverage for the
    # Swift code (libFuzzer then mutates blindly: "no interesting inputs"). One combined flag, last.
    # SwiftPM's flags stay for the link (libFuzzer's main) and for the C code.
    ZONEPLAN_FUZZ=1 nice -n 19 swift build -c debug --sanitize=fuzzer --sanitize=address -Xswiftc -sanitize=fuzzer,address \
      --scratch-path "$SCRATCH" --product "fuzz-$r" -Xswiftc -use-ld=lld 2>&1 \
      | grep -E "error:|Compiling|Build of product" | grep -v "^\[" || true
    [ -x "$BIN/fuzz-$r" ] || { echo "fuzz: fuzz-$r did not build" >&2; exit 1; }
  done
fi

seed() {  # seed <reader> <dir>: the fixtures a reader's seed corpus starts from
  local r=$1 d=$2
  mkdir -p "$d"
  case $r in
    baobu-txt)
      cp Tests/ZoneGeometryTests/Fixtures/baobu/*.txt Tests/ZoneServerTests/Fixtures/*.txt Tests/CLITests/Fixtures/bad-input/*.txt "$d"/ ;;
    application-geojson)
      cp GeoData/examples/*.geojson GeoData/examples/bad/*.geojson Tests/ZoneGeometryTests/Fixtures/*.geojson \
        Tests/CLITests/Fixtures/bad-input/*.geojson "$d"/
      cp Tests/ZoneServerTests/Fixtures/parcel.txt "$d"/ ;;
    rulepack-yaml)
      cp GeoData/rulepack.yaml GeoData/industries.yaml Tests/ZonePlanTests/Fixtures/*.yaml "$d"/
      [ -f GeoData/evaluation.yaml ] && cp GeoData/evaluation.yaml "$d"/ || true ;;
    shapefile)
      local tmp; tmp=$(mktemp -d)
      for g in GeoData/examples/*.geojson; do
        local n; n=$(basename "$g" .geojson)
        ogr2ogr -q -f "ESRI Shapefile" -lco ENCODING=UTF-8 "$tmp/$n.shp" "$g" 2>/dev/null || true
        ogr2ogr -q -f "ESRI Shapefile" -t_srs EPSG:4549 -lco ENCODING=UTF-8 "$tmp/$n-4549.shp" "$g" 2>/dev/null || true
      done
      python3 Fuzz/seed_shapefiles.py "$d" "$tmp"
      # Past finds stay in the seeds, so every run replays them first.
      python3 Fuzz/seed_shapefiles.py "$d" Tests/CLITests/Fixtures/bad-input
      python3 Fuzz/seed_shapefiles.py "$d" Tests/ZoneStoreTests/Fixtures
      rm -rf "$tmp" ;;
    evaluation-csv)
      # Small slices of the example years (whole files are 2,000 rows: slow seeds), the test
      # fixtures and a GBK copy, so both encodings are explored.
      for y in 2024 2025; do head -40 GeoData/examples/evaluation/firms-$y.csv > "$d/firms-$y-head.csv"; done
      cp Tests/ZoneEvaluationTests/Fixtures/*.csv "$d"/
      find Tests -path '*Fixtures*' -name '*.csv' -size -64k -exec cp {} "$d"/ \; 2>/dev/null || true
      iconv -f UTF-8 -t GBK "$d/firms-2025-head.csv" > "$d/firms-2025-gbk.csv" 2>/dev/null || rm -f "$d/firms-2025-gbk.csv" ;;
    server-request)
      local i=0
      for g in GeoData/examples/*.geojson GeoData/examples/bad/*.geojson Tests/CLITests/Fixtures/bad-input/*.geojson \
               Tests/CLITests/Fixtures/bad-input/*.json; do
        i=$((i + 1)); { printf '/vet?format=json\n'; cat "$g"; } > "$d/vet-$i.req"
      done
      { printf 'T/vet?input=txt&industry=C3825&investment_wan=8000&output_wan=12000&name=fuzz\n'; cat Tests/ZoneServerTests/Fixtures/parcel.txt; } > "$d/txt.req"
      { printf '/decisions?official=fuzz&year=2026&supersedes=1&dry_run=1\n'; cat GeoData/examples/huayou-cathode.geojson; } > "$d/decide.req"
      printf '/where?lon=120.75&lat=30.75&crs=EPSG:4326\n' > "$d/where.req"
      printf '/where?lon=3400000&lat=40500000&crs=EPSG:4549\n' > "$d/where-gk.req" ;;
  esac
}

status=0
summary=()
for r in "${READERS[@]}"; do
  corpus=$WORK/$r
  artifacts=Fuzz/artifacts/$r
  mkdir -p "$corpus" "$artifacts"
  seeds=$(mktemp -d); seed "$r" "$seeds"
  log=$SCRATCH/fuzz-$r.log
  echo "fuzz: $r for ${SECONDS_EACH}s (corpus $corpus, log $log)"
  # -timeout: an input that takes over 60 s is a hang (a crash for libFuzzer; 10 s gave false
  # hangs: a 3 ms input starved at nice 19 on a loaded machine); -rss_limit_mb bounds
  # memory. -detect_leaks=0: LeakSanitizer reports the Swift runtime's and Foundation's one-time
  # allocations (plan globals, file buffers) as leaks, each a false "crash". The first directory collects new inputs; the seeds are read only.
  # A binary without coverage counters for the Swift code fuzzes blind and proves little: refuse it.
  probe=$(ASAN_OPTIONS=detect_leaks=0 "$BIN/fuzz-$r" -runs=0 "$seeds" 2>&1 || true)
  if ! grep -qE "INITED cov: [1-9]" <<< "$probe"; then
    echo "fuzz: fuzz-$r reports no coverage on its seeds: not instrumented (rebuild: bash Fuzz/run.sh $r)" >&2
    exit 1
  fi
  set +e
  ASAN_OPTIONS=detect_leaks=0 nice -n 19 "$BIN/fuzz-$r" "$corpus" "$seeds" -max_total_time="$SECONDS_EACH" -timeout=60 -rss_limit_mb=2048 -detect_leaks=0 \
    -max_len="$MAX_LEN" -artifact_prefix="$artifacts/" -print_final_stats=1 > "$log" 2>&1
  rc=$?
  set -e
  rm -rf "$seeds"
  runs=$(grep -oE "stat::number_of_executed_units: *[0-9]+" "$log" | grep -oE "[0-9]+$" || echo "?")
  rate=$(grep -oE "stat::average_exec_per_sec: *[0-9]+" "$log" | grep -oE "[0-9]+$" || echo "?")
  cov=$(grep -oE "cov: [0-9]+" "$log" | tail -1 || true)
  crashes=$(find "$artifacts" -type f \( -name 'crash-*' -o -name 'timeout-*' -o -name 'oom-*' -o -name 'leak-*' \) | wc -l)
  line="$r: $runs executions, $rate exec/s, $cov, exit $rc, $crashes crash/timeout/oom inputs in $artifacts"
  echo "fuzz: $line"
  summary+=("$line")
  [ "$rc" -eq 0 ] || status=1
done
printf '%s\n' "${summary[@]}"
exit $status
