#!/usr/bin/env bash
# Measures POST /hooks/sftpgo and end-to-end ingestion on loopback; the figures go to docs/performance.md.
# Starts the Release build of the service itself (production settings, default logging, Hangfire in memory,
# line-protocol file sink), runs HookBench and wrk against it, and stops it. Needs wrk (apt-get install wrk).
#   tools/hook-bench.sh            # about two minutes
# Environment: BURST (events per burst, 20000), E2E (files, 2000), CONCURRENCY (64), WRK_SECONDS (20).
set -euo pipefail
cd "$(dirname "$0")/.."
BURST=${BURST:-20000}
E2E=${E2E:-2000}
CONCURRENCY=${CONCURRENCY:-64}
WRK_SECONDS=${WRK_SECONDS:-20}
PORT=${PORT:-5391}
SECRET=bench-hook-secret-0123456789
URL=http://127.0.0.1:$PORT
WORK=$(mktemp -d /tmp/hook-bench.XXXXXX)
PID=

dotnet build -c Release -v q -nologo src/PowerView.Api >/dev/null
dotnet build -c Release -v q -nologo tools/HookBench >/dev/null
bench() { dotnet tools/HookBench/bin/Release/net10.0/HookBench.dll "$@"; }

start_service() { # $1 = run name
  mkdir -p "$WORK/$1"
  PowerView__DataRoot="$WORK/$1/data" PowerView__StateDir="$WORK/$1/state" \
  PowerView__HookSecret=$SECRET PowerView__AdminKey=bench-admin-key-0123456789 \
  ASPNETCORE_ENVIRONMENT=Production ASPNETCORE_URLS=$URL \
    dotnet src/PowerView.Api/bin/Release/net10.0/PowerView.Api.dll >"$WORK/$1/service.log" 2>&1 &
  PID=$!
  for _ in $(seq 100); do curl -sf "$URL/alive" >/dev/null && return 0; sleep 0.1; done
  echo "service did not start: see $WORK/$1/service.log" >&2; exit 1
}
stop_service() { kill "$PID"; wait "$PID" || true; PID=; }
trap '[ -n "$PID" ] && kill "$PID"' EXIT

echo "machine: $(nproc) cores, $(lscpu | sed -n 's/^Model name: *//p'), load average $(cut -d' ' -f1-3 /proc/loadavg)"

# 1. Hook bursts: distinct files (each queues a job while the workers ingest the earlier ones), the same
#    events again (duplicates: their jobs are still queued), and failed uploads (ignored).
start_service hooks
bench prepare "$WORK/hooks/data" burst "$BURST"
bench burst "$URL" $SECRET "$WORK/hooks/data" burst "$BURST" "$CONCURRENCY" upload
bench burst "$URL" $SECRET "$WORK/hooks/data" burst "$BURST" "$CONCURRENCY" upload
bench burst "$URL" $SECRET "$WORK/hooks/data" burst "$BURST" "$CONCURRENCY" failed

# 2. wrk, steady state, 2 threads: a failed upload (ignored) and a duplicate of a queued file.
cat >"$WORK/hook.lua" <<LUA
wrk.method = "POST"
wrk.headers["Authorization"] = "Bearer $SECRET"
wrk.headers["Content-Type"] = "application/json"
wrk.body = os.getenv("BODY")
LUA
file="$WORK/hooks/data/burst/bench/d19/T302_$(printf %06d $((BURST - 1))).tsv"
BODY="{\"action\":\"upload\",\"username\":\"burst\",\"path\":\"$file\",\"status\":2,\"protocol\":\"SFTP\",\"session_id\":\"SFTP_1\",\"timestamp\":1}" \
  wrk -t2 -c"$CONCURRENCY" -d"${WRK_SECONDS}s" --latency -s "$WORK/hook.lua" "$URL/hooks/sftpgo" | sed 's/^/wrk ignored: /'
BODY="{\"action\":\"upload\",\"username\":\"burst\",\"path\":\"$file\",\"status\":1,\"protocol\":\"SFTP\",\"session_id\":\"SFTP_1\",\"timestamp\":1}" \
  wrk -t2 -c"$CONCURRENCY" -d"${WRK_SECONDS}s" --latency -s "$WORK/hook.lua" "$URL/hooks/sftpgo" | sed 's/^/wrk duplicate: /'
stop_service

# 3. End to end on a fresh service: first event posted -> last run recorded, 150-row files.
start_service e2e
bench e2e "$URL" $SECRET "$WORK/e2e/data" "$WORK/e2e/state" e2e "$E2E" 16
stop_service
echo "work folder: $WORK (service logs inside)"
