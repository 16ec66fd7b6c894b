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
