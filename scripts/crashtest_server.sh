#!/usr/bin/env bash
# Crash loop for the service's recording path (group commit): part of `make crashtest`.
#
#   scripts/crashtest_server.sh [--rounds N] [--bin PATH] [--clients C]
#
# Each round starts `zoneplan serve` on a SpatiaLite workspace, lets C clients (default 8) post
# decisions as fast as they can — so requests queue and share commits — and kills the server with
# SIGKILL at a random moment (0.3–2.3 s in). Then, with the server dead:
#   - every decision a client was answered 201 for (a complete response) is in the ledger: an
#     answer is sent only after its group's COMMIT;
#   - `zoneplan ledger verify` is clean (integrity check, draws, chains, balances);
#   - every decision drew its land (approve: one county draw each), nothing half-written.
# Prints one line of figures; exit 0 when every check of every round held.
set -euo pipefail
cd "$(dirname "$0")/.."
ROUNDS=20
BIN=.build/debug/zoneplan
CLIENTS=8
while [ $# -gt 0 ]; do
  case "$1" in
    --rounds) ROUNDS=$2; shift 2 ;;
    --bin) BIN=$2; shift 2 ;;
    --clients) CLIENTS=$2; shift 2 ;;
    *) echo "usage: $0 [--rounds N] [--bin PATH] [--clients C]" >&2; exit 64 ;;
  esac
done
[[ "$ROUNDS" =~ ^[0-9]+$ ]] && [ "$ROUNDS" -ge 1 ] || { echo "--rounds must be a positive number" >&2; exit 64; }
[ -x "$BIN" ] || swift build --product zoneplan >&2
for tool in sqlite3 curl; do
  command -v $tool >/dev/null || { echo "crashtest_server needs $tool (apt-get install $tool)" >&2; exit 69; }
done

WORK=$(mktemp -d -t zp-srvcrash-XXXXXX)
SERVER=""
cleanup() { set +e; [ -n "$SERVER" ] && kill -9 "$SERVER" 2>/dev/null; jobs -p | xargs -r kill 2>/dev/null; rm -rf "$WORK"; }
trap cleanup EXIT
DB=$WORK/ws.sqlite
EXAMPLE=GeoData/examples/jiaxipera-compressor.geojson
TOKEN=crashtest-token-0123456789
"$BIN" init --db "$DB" --geodata GeoData --official 测试员 --quiet >/dev/null
"$BIN" quota set county:330402 2026 100000000 --db "$DB" --quiet >/dev/null
sql() { sqlite3 -readonly -batch -noheader "$DB" "$1"; }

client() {  # client <n> <port>: posts until the server is gone; logs the ids answered 201
  local n=$1 port=$2 out=$WORK/c$1.out code
  while true; do
    code=$(curl -s -o "$out" -w '%{http_code}' --max-time 10 -H "Authorization: Bearer $TOKEN" \
           -H 'Content-Type: application/geo+json' --data-binary @"$EXAMPLE" \
           "http://127.0.0.1:$port/decisions?year=2026&official=c$n") || return 0
    [ "$code" = 201 ] || { [ "$code" = 000 ] && return 0; continue; }
    grep -o '^{"dry_run":false,"id":[0-9]*' "$out" | grep -o '[0-9]*$' >> "$WORK/answered"
  done
}

failures=0; answered_total=0; commits_seen=0
: > "$WORK/answered"
for round in $(seq 1 "$ROUNDS"); do
  port=$((20000 + RANDOM % 20000))
  ZONEPLAN_TOKEN=$TOKEN "$BIN" serve --db "$DB" --port "$port" --quiet >"$WORK/serve.log" 2>&1 &
  SERVER=$!
  for _ in $(seq 100); do curl -fs "http://127.0.0.1:$port/health" >/dev/null 2>&1 && break; sleep 0.1; done
  before=$(sql "SELECT count(*) FROM zp_decisions")
  : > "$WORK/answered"
  for c in $(seq 1 "$CLIENTS"); do client "$c" "$port" & done
  sleep "$(awk -v r="$RANDOM" 'BEGIN { printf "%.3f", 0.3 + 2.0 * r / 32767 }')"
  kill -9 "$SERVER"; wait "$SERVER" 2>/dev/null || true; SERVER=""
  wait
  answered=$(sort -n "$WORK/answered" | uniq)
  n_answered=$(printf '%s\n' "$answered" | grep -c . || true)
  answered_total=$((answered_total + n_answered))
  after=$(sql "SELECT count(*) FROM zp_decisions")
  missing=""
  for id in $answered; do
    [ "$(sql "SELECT count(*) FROM zp_decisions WHERE id = $id")" = 1 ] || missing="$missing $id"
  done
  problems=()
  [ -z "$missing" ] || problems+=("answered 201 but not in the ledger:$missing")
  verify=$("$BIN" ledger verify --db "$DB" --quiet 2>&1) || problems+=("ledger verify: $verify")
  undrawn=$(sql "SELECT count(*) FROM zp_decisions d WHERE d.verdict IN ('approve','conditional')
                 AND NOT EXISTS (SELECT 1 FROM zp_quota_entries q WHERE q.decision_id = d.id AND q.entry = 'draw')")
  [ "$undrawn" = 0 ] || problems+=("$undrawn approved decisions without their draw")
  [ "$after" -ge "$((before + n_answered))" ] || problems+=("ledger grew by $((after - before)), $n_answered answered")
  if [ ${#problems[@]} -gt 0 ]; then
    failures=$((failures + 1))
    printf 'round %d: %s\n' "$round" "${problems[@]}" >&2
  fi
done
total=$(sql "SELECT count(*) FROM zp_decisions")
echo "crashtest_server: $ROUNDS rounds, $CLIENTS clients, $answered_total decisions answered 201 before a SIGKILL, $total in the ledger, $failures rounds with a problem"
[ "$failures" = 0 ]
