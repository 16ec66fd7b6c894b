#!/usr/bin/env bash
# The main job on the bundled data: list the layers, then vet every example application.
set -uo pipefail
BIN=${1:-.build/debug/zoneplan}
cd "$(dirname "$0")/.."
echo "== zoneplan layers"
"$BIN" layers --quiet || exit $?
echo
echo "== zoneplan check GeoData/examples/*.geojson"
"$BIN" check --quiet GeoData/examples/*.geojson
rc=$?
# 1 = some application not approved: that is the demo's point, not a failure.
[ $rc -le 1 ] || exit $rc
echo
echo "== zoneplan evaluate (亩均效益) on the SYNTHETIC example firms in GeoData/examples/evaluation"
E=GeoData/examples/evaluation
"$BIN" evaluate --quiet "$E/firms-2025.csv" --parcels "$E/parcels.geojson" --year 2025 --previous "$E/firms-2024.csv" --firm-limit 10 || exit $?
