#!/usr/bin/env bash
# Crash loop for the decision ledger (SpatiaLite workspace): `make crashtest`, not part of `make test`.
#
#   scripts/crashtest.sh [--rounds N] [--bin PATH] [--keep]
#
# Each round starts a recording `zoneplan decide` (a batch of 20 applications, or a single
# revision `--supersedes ID` of a random earlier decision) and kills it with SIGKILL at a random
# moment: at a random fraction of a full run's time, or just after the k-th decision was
# reported plus 0–8 ms (so the kill also lands inside the next write transaction). After every
# kill the workspace is opened and checked:
#   - `zoneplan ledger verify` is clean (integrity_check; no draw without a decision; every
#     decision has its submitted input; no decision superseded twice; live draws within the
#     allocation; no balance below zero);
#   - no decision is half-written: every approve/conditional decision drew its land (the county
#     account exists for every site), every input row belongs to a decision, every decision since
#     schema 4 has its input row;
#   - every decision a killed process reported ("recorded as decision N") is in the ledger.
# Prints one line of figures at the end; exit 0 when every check of every round held.
set -euo pipefail
cd "$(dirname "$0")/.."
ROUNDS=200
BIN=.build/debug/zoneplan
KEEP=0
while [ $# -gt 0 ]; do
  case "$1" in
    --rounds) ROUNDS=$2; shift 2 ;;
    --bin) BIN=$2; shift 2 ;;
    --keep) KEEP=1; shift ;;
    *) echo "usage: $0 [--rounds N] [--bin PATH] [--keep]" >&2; exit 64 ;;
  esac
done
[[ "$ROUNDS" =~ ^[0-9]+$ ]] && [ "$ROUNDS" -ge 1 ] || { echo "--rounds must be a positive number" >&2; exit 64; }
[ -x "$BIN" ] || swift build --product zoneplan >&2
command -v sqlite3 >/dev/null || { echo "crashtest needs the sqlite3 shell (apt-get install sqlite3)" >&2; exit 69; }

WORK=$(mktemp -d -t zp-crash-XXXXXX)
cleanup() { if [ "$KEEP" = 1 ]; then echo "kept $WORK" >&2; else rm -rf "$WORK"; fi; }
trap cleanup EXIT
DB=$WORK/ws.sqlite
EXAMPLE=GeoData/examples/jiaxipera-compressor.geojson

"$BIN" init --db "$DB" --geodata GeoData --official 测试员 --quiet >/dev/null
"$BIN" quota set county:330402 2026 100000000 --db "$DB" --quiet >/dev/null
python3 - "$EXAMPLE" "$WORK/batch.geojson" <<'EOF'
import json, sys
one = json.load(open(sys.argv[1], encoding="utf-8"))
features = []
for i in range(20):
    f = json.loads(json.dumps(one))
    f["properties"]["name"] = f"压力测试 {i}"
    features.append(f)
json.dump({"type": "FeatureCollection", "features": features}, open(sys.argv[2], "w", encoding="utf-8"), ensure_ascii=False)
EOF

now_ms() { date +%s%3N; }
t0=$(now_ms)
"$BIN" decide "$WORK/batch.geojson" --year 2026 --db "$DB" --quiet --format jsonl >/dev/null 2>"$WORK/full.err" || true
RUN_MS=$(( $(now_ms) - t0 ))
full=$(grep -c "recorded as decision" "$WORK/full.err" || true)
[ "$full" = 20 ] || { echo "crashtest: a full run recorded $full of 20 decisions:" >&2; cat "$WORK/full.err" >&2; exit 1; }

sql() { sqlite3 -readonly -batch -noheader "$DB" "$1"; }
failures=0; landed_mid=0; landed_idle=0; revisions=0; reported_total=0; verify_ms_total=0
touch "$WORK/reported"
for round in $(seq 1 "$ROUNDS"); do
  before=$(sql "SELECT count(*) FROM zp_decisions")
  err=$WORK/round.err; : > "$err"
  if [ $((RANDOM % 4)) = 0 ] && [ "$before" -gt 0 ]; then
    target=$(( (RANDOM * 32768 + RANDOM) % before + 1 ))
    revisions=$((revisions + 1))
    "$BIN" decide "$EXAMPLE" --year 2026 --supersedes "$target" --db "$DB" --quiet --format jsonl >/dev/null 2>"$err" &
  else
    "$BIN" decide "$WORK/batch.geojson" --year 2026 --db "$DB" --quiet --format jsonl >/dev/null 2>"$err" &
  fi
  pid=$!
  if [ $((round % 2)) = 0 ]; then
    # A random moment of a full run (start-up, reading, vetting, inside a transaction).
    sleep "$(awk -v ms="$RUN_MS" -v r="$RANDOM" 'BEGIN { printf "%.3f", ms * (0.02 + 0.96 * r / 32767) / 1000 }')"
  else
    # Just after the k-th reported decision, plus jitter.
    k=$(( RANDOM % 19 + 1 ))
    deadline=$(( $(now_ms) + RUN_MS * 3 + 5000 ))
    while kill -0 "$pid" 2>/dev/null && [ "$(now_ms)" -lt "$deadline" ]; do
      [ "$(grep -c "recorded as decision" "$err" || true)" -ge "$k" ] && break
      sleep 0.002
    done
    sleep "$(awk -v r="$RANDOM" 'BEGIN { printf "%.4f", (r % 9) / 1000 }')"
  fi
  if kill -9 "$pid" 2>/dev/null; then landed_mid=$((landed_mid + 1)); else landed_idle=$((landed_idle + 1)); fi
  wait "$pid" 2>/dev/null || true
  grep -o "recorded as decision [0-9]*" "$err" | awk '{print $4}' >> "$WORK/reported" || true

  v0=$(now_ms)
  if ! out=$("$BIN" ledger verify --db "$DB" --quiet 2>&1); then
    echo "round $round: ledger verify: $out" >&2; failures=$((failures + 1))
  fi
  verify_ms_total=$(( verify_ms_total + $(now_ms) - v0 ))
  half=$(sql "SELECT count(*) FROM zp_decisions d WHERE d.verdict IN ('approve','conditional')
              AND NOT EXISTS (SELECT 1 FROM zp_quota_entries e WHERE e.decision_id = d.id AND e.entry = 'draw')")
  orphans=$(sql "SELECT count(*) FROM zp_decision_inputs i WHERE NOT EXISTS (SELECT 1 FROM zp_decisions d WHERE d.id = i.decision_id)")
  noinput=$(sql "SELECT count(*) FROM zp_decisions d WHERE NOT EXISTS (SELECT 1 FROM zp_decision_inputs i WHERE i.decision_id = d.id)")
  twice=$(sql "SELECT count(*) FROM (SELECT supersedes FROM zp_decisions WHERE supersedes IS NOT NULL GROUP BY supersedes HAVING count(*) > 1) AS x")
  if [ "$half$orphans$noinput$twice" != "0000" ]; then
    echo "round $round: half-written: $half decisions without their draw, $orphans inputs without a decision," \
         "$noinput decisions without input, $twice decisions superseded twice" >&2
    failures=$((failures + 1))
  fi
done

sort -u "$WORK/reported" > "$WORK/reported.sorted"
sql "SELECT id FROM zp_decisions ORDER BY id" > "$WORK/present"
lost=$(comm -23 "$WORK/reported.sorted" <(sort -u "$WORK/present") | wc -l)
reported_total=$(wc -l < "$WORK/reported.sorted")
[ "$lost" = 0 ] || { echo "lost reported decisions: $(comm -23 "$WORK/reported.sorted" <(sort -u "$WORK/present") | head -20 | tr '\n' ' ')" >&2; failures=$((failures + 1)); }
decisions=$(sql "SELECT count(*) FROM zp_decisions")
superseded=$(sql "SELECT count(*) FROM zp_decisions WHERE supersedes IS NOT NULL")
entries=$(sql "SELECT count(*) FROM zp_quota_entries")
echo "crashtest: $ROUNDS rounds (full run ${RUN_MS} ms), $landed_mid kills landed while recording, $landed_idle after the process had ended;" \
     "$revisions revision rounds; $decisions decisions in the ledger ($superseded revisions), $entries quota entries;" \
     "$reported_total decisions reported before a kill, $lost lost; verify averaged $(( verify_ms_total / ROUNDS )) ms;" \
     "$failures failed checks"
[ "$failures" = 0 ]
