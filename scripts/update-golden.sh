#!/usr/bin/env bash
# Regenerates the CLI golden outputs: for every GeoData/examples/NAME.geojson,
#   zoneplan check --format json --quiet --geodata GeoData NAME.geojson > Tests/CLITests/Fixtures/golden/NAME.json
# Usage: scripts/update-golden.sh            (builds with `swift build`, scratch dir $SCRATCH or .build)
#        ZONEPLAN=path/to/zoneplan scripts/update-golden.sh   (use an already built binary)
# Review the diff (git diff Tests/CLITests/Fixtures/golden) before committing: a change in a
# golden file is a change in what officials are told.
set -euo pipefail
cd "$(dirname "$0")/.."
if [[ -z "${ZONEPLAN:-}" ]]; then
    SCRATCH="${SCRATCH:-.build}"
    swift build --scratch-path "$SCRATCH" --product zoneplan >&2
    ZONEPLAN="$SCRATCH/debug/zoneplan"
fi
out=Tests/CLITests/Fixtures/golden
# Write into a scratch folder and replace the goldens only when every example ran.
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
n=0
for f in GeoData/examples/*.geojson; do
    name=$(basename "$f" .geojson)
    rc=0
    "$ZONEPLAN" check --format json --quiet --geodata GeoData "$f" > "$tmp/$name.json" || rc=$?
    # 0 = approve, 1 = not approved (conditional/reject/incomplete); anything else is an error.
    if (( rc > 1 )); then
        echo "update-golden: $f: zoneplan exited $rc" >&2
        exit 1
    fi
    verdict=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["verdict"])' "$tmp/$name.json" 2>/dev/null || echo "?")
    printf '%-40s %s\n' "$name" "$verdict"
    n=$((n + 1))
done
mkdir -p "$out"
rm -f "$out"/*.json
cp "$tmp"/*.json "$out"/
echo "update-golden: wrote $n files to $out" >&2
