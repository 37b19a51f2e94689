#!/usr/bin/env bash
# What sharing costs, on loopback: end-to-end files per second (first event posted -> last run recorded, HookBench)
#   1. one instance on the defaults (Hangfire in memory, SQLite run store),
#   2. one instance on PostgreSQL (Jobs:Storage and Runs:Storage = PostgreSql, one database),
#   3. two instances on that database and one data root, the events alternating between them,
# each REPEAT times, with the CPU the service(s) and PostgreSQL used per file; then the monitoring API on the
# PostgreSQL run store with RUNS runs (tests/PowerView.Api.Benchmarks -- monitoring --store postgresql).
# Starts its own PostgreSQL cluster from /usr/lib/postgresql/<version>/bin (as the postgres user when run as root) on
# disk with PostgreSQL's durable defaults (fsync, synchronous_commit on), and stops it at the end. The figures go to
# docs/performance.md. Two cores cannot show scaling: the point is the overhead of sharing.
#   tools/instances-bench.sh       # about 15 minutes
# Environment: E2E (files per run, 2000), WARMUP (500), CONCURRENCY (16), REPEAT (2), RUNS (100000), MONITORING (1 = run it),
# SCENARIOS ("one-default one-pg two-pg"; also one-pg-jobs: Hangfire on PostgreSQL, runs in SQLite), SYNC_COMMIT (PostgreSQL's synchronous_commit for the scenarios' databases, on),
# SERVICE_ENV (more settings for every instance, e.g. "Jobs__WorkerCount=4"), STATEMENTS (1: PostgreSQL loads
# pg_stat_statements, and each PostgreSQL scenario prints its statements per file, the costliest first).
set -euo pipefail
cd "$(dirname "$0")/.."
E2E=${E2E:-2000}
WARMUP=${WARMUP:-500}
CONCURRENCY=${CONCURRENCY:-16}
REPEAT=${REPEAT:-2}
RUNS=${RUNS:-100000}
MONITORING=${MONITORING:-1}
SCENARIOS=${SCENARIOS:-one-default one-pg two-pg}
SYNC_COMMIT=${SYNC_COMMIT:-on}
read -r -a SERVICE_ENV <<<"${SERVICE_ENV:-}"
STATEMENTS=${STATEMENTS:-0}
PG_EXTRA=()
[ "$STATEMENTS" -eq 1 ] && PG_EXTRA=(-c shared_preload_libraries=pg_stat_statements -c pg_stat_statements.track=all)
PGPORT=${PGPORT:-55432}
SECRET=bench-hook-secret-0123456789
PGBIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
WORK=$(mktemp -d /var/tmp/instances-bench.XXXXXX)
chmod 755 "$WORK"
PIDS=()
PGPID=

as_pg() { if [ "$(id -u)" -eq 0 ]; then setpriv --reuid=postgres --regid=postgres --init-groups -- "$@"; else "$@"; fi; }
cs() { echo "Host=127.0.0.1;Port=$PGPORT;Username=postgres;Database=$1${CS_EXTRA:+;$CS_EXTRA}"; }
psql_admin() { psql -q -h 127.0.0.1 -p "$PGPORT" -U postgres -d postgres -v ON_ERROR_STOP=1 "$@"; }
stop_services() { for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done; for p in "${PIDS[@]}"; do wait "$p" 2>/dev/null || true; done; PIDS=(); }
cleanup() { stop_services; if [ -n "$PGPID" ]; then as_pg "$PGBIN/pg_ctl" stop -D "$WORK/pg" -m fast -w >/dev/null 2>&1 || kill "$PGPID" 2>/dev/null || true; fi; }
trap cleanup EXIT
load() { cut -d' ' -f1-3 /proc/loadavg; }
# CPU ticks (1/100 s) of a process and of the children it has reaped.
ticks() { awk '{print $14+$15+$16+$17}' "/proc/$1/stat"; }
# PostgreSQL's CPU: the postmaster with its reaped backends, plus the backends alive now.
pg_ticks() {
  local total; total=$(ticks "$PGPID")
  for c in $(pgrep -P "$PGPID" || true); do total=$((total + $(awk '{print $14+$15}' "/proc/$c/stat" 2>/dev/null || echo 0))); done
  echo "$total"
}

dotnet build -c Release -v q -nologo src/PowerView.Api >/dev/null
dotnet build -c Release -v q -nologo tools/HookBench >/dev/null
bench() { dotnet tools/HookBench/bin/Release/net10.0/HookBench.dll "$@"; }

echo "machine: $(nproc) cores, $(lscpu | sed -n 's/^Model name: *//p'), load average $(load); PostgreSQL from $PGBIN"

mkdir -p "$WORK/pg"
[ "$(id -u)" -eq 0 ] && chown postgres:postgres "$WORK/pg"
as_pg "$PGBIN/initdb" -D "$WORK/pg" -U postgres --auth=trust --encoding=UTF8 --locale=C >/dev/null
as_pg "$PGBIN/postgres" -D "$WORK/pg" -p "$PGPORT" -c listen_addresses=127.0.0.1 -c unix_socket_directories= -c max_connections=200 "${PG_EXTRA[@]}" >"$WORK/pg.log" 2>&1 &
PGPID=$!
for _ in $(seq 100); do psql_admin -c 'SELECT 1' >/dev/null 2>&1 && break; sleep 0.1; done
# $! is the shell that started it; the postmaster's own pid is in its lock file.
PGPID=$(head -1 "$WORK/pg/postmaster.pid")
echo "postgres: $(psql_admin -At -c 'SHOW server_version'), fsync $(psql_admin -At -c 'SHOW fsync'), synchronous_commit $(psql_admin -At -c 'SHOW synchronous_commit'), shared_buffers $(psql_admin -At -c 'SHOW shared_buffers'), data in $WORK/pg"

start_service() { # $1 = name, $2 = port, $3 = data root, then VAR=value settings
  local name=$1 port=$2 data=$3; shift 3
  mkdir -p "$WORK/$name"
  env PowerView__DataRoot="$data" PowerView__StateDir="$WORK/$name/state" \
    PowerView__HookSecret=$SECRET PowerView__AdminKey=bench-admin-key-0123456789 \
    Ingestion__SweepIntervalSeconds=3600 ASPNETCORE_ENVIRONMENT=Production ASPNETCORE_URLS="http://127.0.0.1:$port" "$@" \
    dotnet src/PowerView.Api/bin/Release/net10.0/PowerView.Api.dll >"$WORK/$name/service.log" 2>&1 &
  PIDS+=($!)
  for _ in $(seq 200); do curl -sf "http://127.0.0.1:$port/alive" >/dev/null && return 0; sleep 0.1; done
  echo "service $name did not start: see $WORK/$name/service.log" >&2; exit 1
}

scenario() { # $1 = name, $2 = instances (1 or 2), $3 = on PostgreSQL (0, 1, or jobs: Hangfire only, runs in SQLite)
  local name=$1 count=$2 pg=$3 settings=() urls=() states=()
  if [ "$pg" != 0 ]; then
    psql_admin -c "CREATE DATABASE \"$name\""
    psql_admin -c "ALTER DATABASE \"$name\" SET synchronous_commit = $SYNC_COMMIT"
    settings=(Jobs__Storage=PostgreSql "ConnectionStrings__Hangfire=$(cs "$name")")
    [ "$pg" = 1 ] && settings+=(Runs__Storage=PostgreSql "ConnectionStrings__Runs=$(cs "$name")")
    pg=1
  fi
  for i in $(seq "$count"); do
    start_service "$name-$i" $((5400 + i)) "$WORK/$name/data" "${settings[@]}" "${SERVICE_ENV[@]}"
    urls+=("http://127.0.0.1:$((5400 + i))"); states+=("$WORK/$name-$i/state")
  done
  local url_list state_list
  url_list=$(IFS=,; echo "${urls[*]}"); state_list=$(IFS=,; echo "${states[*]}")
  bench e2e "$url_list" $SECRET "$WORK/$name/data" "$state_list" warmup "$WARMUP" "$CONCURRENCY" | sed "s/^/$name warm-up /" | tail -1
  echo "$name: load average $(load) before the measured run"
  local cpu0=0 cpu1=0 pg0=0 pg1=0
  for p in "${PIDS[@]}"; do cpu0=$((cpu0 + $(ticks "$p"))); done
  [ "$pg" -eq 1 ] && pg0=$(pg_ticks)
  if [ "$pg" -eq 1 ] && [ "$STATEMENTS" -eq 1 ]; then
    psql -q -h 127.0.0.1 -p "$PGPORT" -U postgres -d "$name" -c 'CREATE EXTENSION IF NOT EXISTS pg_stat_statements' -c 'SELECT pg_stat_statements_reset()' >/dev/null
  fi
  bench e2e "$url_list" $SECRET "$WORK/$name/data" "$state_list" e2e "$E2E" "$CONCURRENCY" | sed "s/^/$name /"
  for p in "${PIDS[@]}"; do cpu1=$((cpu1 + $(ticks "$p"))); done
  [ "$pg" -eq 1 ] && pg1=$(pg_ticks)
  if [ "$pg" -eq 1 ] && [ "$STATEMENTS" -eq 1 ]; then
    psql -h 127.0.0.1 -p "$PGPORT" -U postgres -d "$name" -P pager=off -c "
      SELECT round(sum(calls)::numeric / $E2E, 2) AS per_file, round(sum(total_exec_time)::numeric * 1000 / $E2E) AS us_per_file,
             left(regexp_replace(query, '\s+', ' ', 'g'), 110) AS statement
      FROM pg_stat_statements s JOIN pg_database d ON d.oid = s.dbid WHERE d.datname = '$name'
      GROUP BY 3 ORDER BY 2 DESC LIMIT 25" | sed "s/^/$name statements: /"
    psql -h 127.0.0.1 -p "$PGPORT" -U postgres -d "$name" -At -c "
      SELECT 'calls per file ' || round(sum(calls)::numeric / $E2E, 1) || ', execution ' || round(sum(total_exec_time)::numeric * 1000 / $E2E) || ' µs per file'
      FROM pg_stat_statements s JOIN pg_database d ON d.oid = s.dbid WHERE d.datname = '$name'" | sed "s/^/$name statements: /"
  fi
  echo "$name: service CPU $(( (cpu1 - cpu0) * 10000 / E2E )) µs per file (user+system, all threads of $count instance(s)), PostgreSQL CPU $(( (pg1 - pg0) * 10000 / E2E )) µs per file; load average $(load)"
  stop_services
}

for r in $(seq "$REPEAT"); do
  for s in $SCENARIOS; do
    case $s in
      one-default) scenario "one-default-$r" 1 0 ;;
      one-pg) scenario "one-pg-$r" 1 1 ;;
      two-pg) scenario "two-pg-$r" 2 1 ;;
      one-pg-jobs) scenario "one-pg-jobs-$r" 1 jobs ;;
    esac
  done
done

if [ "$MONITORING" -eq 1 ]; then
  psql_admin -c 'CREATE DATABASE monitoring'
  echo "monitoring: load average $(load) at the start"
  dotnet run -c Release --project tests/PowerView.Api.Benchmarks -- monitoring --runs "$RUNS" --store postgresql --connection "$(cs monitoring)"
  echo "monitoring again (same store): load average $(load)"
  dotnet run -c Release --project tests/PowerView.Api.Benchmarks -- monitoring --runs "$RUNS" --store postgresql --connection "$(cs monitoring)" --seeded
fi
echo "work folder: $WORK (service and PostgreSQL logs inside)"
