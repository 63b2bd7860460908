#!/usr/bin/env bash
# The load runs of docs/benchmarks.md: starts the sample server (Release) on 127.0.0.1:5099 and runs
# Presence.LoadTest against it, v1 and v2, printing one RESULT line per run. Loopback only; stops by itself.
# benchmarks/run-load.sh [all|rooms|slow]
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${SECONDS_PER_RUN:-20}"

dotnet build samples/Presence.Sample.Server -c Release -v quiet -nologo
dotnet build benchmarks/Presence.LoadTest -c Release -v quiet -nologo
load=benchmarks/Presence.LoadTest/bin/Release/net10.0/Presence.LoadTest.dll

server_pid=""
start_server() {
  (cd samples/Presence.Sample.Server/bin/Release/net10.0 && exec dotnet Presence.Sample.Server.dll --urls http://127.0.0.1:5099 >/dev/null 2>&1) &
  server_pid=$!
  for _ in $(seq 100); do curl -sf http://127.0.0.1:5099/api/v1/health >/dev/null && return; sleep 0.1; done
  echo "the server did not start" >&2; exit 1
}
stop_server() { kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; }
trap stop_server EXIT

run() {
  # A fresh server for every run, so that one run's garbage does not bill the next.
  start_server
  echo "== $*"
  dotnet "$load" --server-pid "$server_pid" --duration "$seconds" "$@" | grep -E '^(connections|latency|server|RESULT)' || echo "run failed"
  stop_server
}

matrix="${1:-all}"
if [ "$matrix" = all ] || [ "$matrix" = rooms ]; then
  for protocol in v1 v2; do
    for clients in 50 200 500; do
      run --protocol "$protocol" --clients "$clients" --rooms 1
    done
    run --protocol "$protocol" --clients 1000 --rooms 100
  done
fi

# The slow consumer: 100 moving clients, with and without one more that never reads, for 60 s.
if [ "$matrix" = all ] || [ "$matrix" = slow ]; then
  for protocol in v2 v1; do
    run --protocol "$protocol" --clients 100 --duration 60
    run --protocol "$protocol" --clients 100 --slow-clients 1 --duration 60
  done
fi
