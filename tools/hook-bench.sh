#!/usr/bin/env bash
# Measures POST /hooks/sftpgo and end-to-end ingestion on loopback; the figures go to docs/performance.md.
# Starts the Release build of the service itself (production settings, default logging, Hangfire in memory,
# line-protocol file sink), runs HookBench and wrk against it, and stops it. Needs wrk (apt-get install wrk).
# The periodic sweep is pushed to an hour: it would otherwise queue the prepared files itself, and the
# "queued" phases would measure duplicates.
#   tools/hook-bench.sh            # about two minutes
# Environment: BURST (events per burst, 20000), STEADY (files for wrk's queued run, 120000: more than 20 s of it), E2E (files, 2000),
# CONCURRENCY (HookBench bursts, 64), WRK_SECONDS (20). Other processes on the machine distort the figures:
# the load average is printed first.
set -euo pipefail
cd "$(dirname "$0")/.."
BURST=${BURST:-20000}
E2E=${E2E:-2000}
CONCURRENCY=${CONCURRENCY:-64}
WRK_SECONDS=${WRK_SECONDS:-20}
STEADY=${STEADY:-120000}
PORT=${PORT:-5391}
SECRET=bench-hook-secret-0123456789abcdef0123
URL=http://127.0.0.1:$PORT
WORK=$(mktemp -d /tmp/hook-bench.XXXXXX)
PID=

dotnet build -c Release -v q -nologo src/PowerView.Api >/dev/null
dotnet build -c Release -v q -nologo tools/HookBench >/dev/null
bench() { dotnet tools/HookBench/bin/Release/net10.0/HookBench.dll "$@"; }

start_service() { # $1 = run name
  mkdir -p "$WORK/$1"
  PowerView__DataRoot="$WORK/$1/data" PowerView__StateDir="$WORK/$1/state" \
  PowerView__HookSecret=$SECRET PowerView__AdminKey=bench-admin-key-0123456789abcdef012345 \
  Ingestion__SweepIntervalSeconds=3600 RateLimits__HookPerSecond=0 RateLimits__FailedAuthenticationsPerMinute=0 \
  ASPNETCORE_ENVIRONMENT=Production ASPNETCORE_URLS=$URL \
    dotnet src/PowerView.Api/bin/Release/net10.0/PowerView.Api.dll >"$WORK/$1/service.log" 2>&1 &
  PID=$!
  for _ in $(seq 100); do curl -sf "$URL/alive" >/dev/null && return 0; sleep 0.1; done
  echo "service did not start: see $WORK/$1/service.log" >&2; exit 1
}
stop_service() { kill "$PID"; wait "$PID" || true; PID=; }
trap '[ -n "$PID" ] && kill "$PID"' EXIT

echo "machine: $(nproc) cores, $(lscpu | sed -n 's/^Model name: *//p'), load average $(cut -d' ' -f1-3 /proc/loadavg)"

# 1. wrk on an idle service (no backlog): failed uploads ("ignored") and events for a file whose job is already
#    there ("duplicate"). 2 threads, 16 and 64 connections.
start_service hooks
bench prepare "$WORK/hooks/data" burst "$BURST"
bench prepare "$WORK/hooks/data" steady "$STEADY" >/dev/null
file="$WORK/hooks/data/burst/bench/d19/T302_$(printf %06d $((BURST - 1))).tsv"
cat >"$WORK/hook.lua" <<LUA
wrk.method = "POST"
wrk.headers["Authorization"] = "Bearer $SECRET"
wrk.headers["Content-Type"] = "application/json"
wrk.body = os.getenv("BODY")
LUA
body() { echo "{\"action\":\"upload\",\"username\":\"burst\",\"path\":\"$file\",\"status\":$1,\"protocol\":\"SFTP\",\"session_id\":\"SFTP_1\",\"timestamp\":1}"; }
# A file whose job waits for a retry (its line-protocol folder is blocked by a plain file, so the run is
# deferred): its claim stays live, and every further event for it is answered "duplicate".
bench prepare "$WORK/hooks/data" held 1 >/dev/null
mkdir -p "$WORK/hooks/state/lineprotocol" && echo blocked >"$WORK/hooks/state/lineprotocol/held"
held="$WORK/hooks/data/held/bench/d00/T302_000000.tsv"
curl -s -H "Authorization: Bearer $SECRET" -d "{\"action\":\"upload\",\"username\":\"held\",\"path\":\"$held\",\"status\":1}" "$URL/hooks/sftpgo"; echo
sleep 2
dup() { echo "{\"action\":\"upload\",\"username\":\"held\",\"path\":\"$held\",\"status\":1,\"protocol\":\"SFTP\",\"session_id\":\"SFTP_1\",\"timestamp\":1}"; }
curl -s -H "Authorization: Bearer $SECRET" -d "$(dup)" "$URL/hooks/sftpgo"; echo
for c in 16 64; do
  BODY=$(body 2) wrk -t2 -c$c -d"${WRK_SECONDS}s" --latency -s "$WORK/hook.lua" "$URL/hooks/sftpgo" | sed "s/^/wrk ignored c$c: /"
  BODY=$(dup) wrk -t2 -c$c -d"${WRK_SECONDS}s" --latency -s "$WORK/hook.lua" "$URL/hooks/sftpgo" | sed "s/^/wrk duplicate c$c: /"
done

# 2. Bursts of distinct files (HookBench, counted): each event queues a job while the workers start ingesting;
#    the same events again (duplicates: their jobs are still queued); failed uploads (ignored) meanwhile.
bench burst "$URL" $SECRET "$WORK/hooks/data" burst "$BURST" "$CONCURRENCY" upload
bench burst "$URL" $SECRET "$WORK/hooks/data" burst "$BURST" "$CONCURRENCY" upload
bench burst "$URL" $SECRET "$WORK/hooks/data" burst "$BURST" "$CONCURRENCY" failed

# 3. wrk while that backlog is being ingested: upload events of distinct files (each queues a job), then
#    duplicates and ignored events again.
cat >"$WORK/queued.lua" <<'LUA'
local root, files, n = os.getenv("ROOT"), tonumber(os.getenv("FILES")), 0
local threads = {}
function setup(thread) thread:set("id", #threads); table.insert(threads, thread) end
function init(args) queued, duplicate, ignored = 0, 0, 0 end
function response(status, headers, body)
  if body:find('"queued"', 1, true) then queued = queued + 1
  elseif body:find('"duplicate"', 1, true) then duplicate = duplicate + 1
  else ignored = ignored + 1 end
end
function done(summary, latency, requests)
  local q, d, i = 0, 0, 0
  for _, t in ipairs(threads) do q = q + t:get("queued"); d = d + t:get("duplicate"); i = i + t:get("ignored") end
  io.write(string.format("answers: queued %d, duplicate %d, other %d\n", q, d, i))
end
request = function()
  local i = (id + n * 2) % files
  n = n + 1
  local path = string.format("%s/steady/bench/d%02d/T302_%06d.tsv", root, i % 20, i)
  return wrk.format("POST", "/hooks/sftpgo", {["Authorization"] = "Bearer " .. os.getenv("SECRET"), ["Content-Type"] = "application/json"},
    '{"action":"upload","username":"steady","path":"' .. path .. '","status":1,"protocol":"SFTP","session_id":"SFTP_1","timestamp":1}')
end
LUA
ROOT="$WORK/hooks/data" FILES=$STEADY SECRET=$SECRET \
  wrk -t2 -c16 -d"${WRK_SECONDS}s" --latency -s "$WORK/queued.lua" "$URL/hooks/sftpgo" | sed 's/^/wrk queued c16: /'
for c in 16 64; do
  BODY=$(dup) wrk -t2 -c$c -d"${WRK_SECONDS}s" --latency -s "$WORK/hook.lua" "$URL/hooks/sftpgo" | sed "s/^/wrk duplicate during backlog c$c: /"
  BODY=$(body 2) wrk -t2 -c$c -d"${WRK_SECONDS}s" --latency -s "$WORK/hook.lua" "$URL/hooks/sftpgo" | sed "s/^/wrk ignored during backlog c$c: /"
done
curl -s -H "Authorization: Bearer $SECRET" -d "$(dup)" "$URL/hooks/sftpgo"; echo
stop_service

# 4. End to end on a fresh service: first event posted -> last run recorded, 150-row files. A first round
#    warms the service up (JIT), as a service that has been running for a while is.
start_service e2e
bench e2e "$URL" $SECRET "$WORK/e2e/data" "$WORK/e2e/state" warmup 500 16 | sed 's/^/warm-up /'
cpu0=$(awk '{print $14+$15}' "/proc/$PID/stat")
bench e2e "$URL" $SECRET "$WORK/e2e/data" "$WORK/e2e/state" e2e "$E2E" 16
cpu1=$(awk '{print $14+$15}' "/proc/$PID/stat")
echo "e2e: service CPU $(( (cpu1 - cpu0) * 10 / E2E )) ms per file (user+system, all threads)"
stop_service
echo "work folder: $WORK (service logs inside)"
