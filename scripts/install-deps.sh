#!/usr/bin/env bash
# Installs the Debian packages ZonePlanner builds and tests against, when any is missing.
# Usage: scripts/install-deps.sh [extra-package ...]   (root: apt-get; otherwise sudo if present)
set -euo pipefail
pkgs=(pkg-config zlib1g-dev libgeos-dev libproj-dev proj-data libspatialite-dev libsqlite3-dev sqlite3 curl gdal-bin libjs-leaflet chromium poppler-utils fonts-noto-cjk postgresql-15 postgresql-15-postgis-3 "$@")
missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
echo "installing Debian packages: ${missing[*]}"
SUDO=""; [ "$(id -u)" -ne 0 ] && command -v sudo >/dev/null && SUDO=sudo
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
echo "installed: ${missing[*]}"
