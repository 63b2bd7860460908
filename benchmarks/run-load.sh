#!/usr/bin/env bash
# The load runs of docs/benchmarks.md. Each run starts a fresh server on loopback (the sample server on :5099, the
# SignalR hub on :5098, the seed's FastAPI backend on :5097), runs Presence.LoadTest against it and stops it,
# printing one RESULT line per run.
#   benchmarks/run-load.sh [all|rooms|compare|peers|slow|churn|idle]     SECONDS_PER_RUN (20) and REPEATS (3) tune it.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${SECONDS_PER_RUN:-20}"
repeats="${REPEATS:-3}"

dotnet build samples/Presence.Sample.Server -c Release -v quiet -nologo
dotnet build benchmarks/Presence.Peers.SignalR -c Release -v quiet -nologo
dotnet build benchmarks/Presence.LoadTest -c Release -v quiet -nologo
load=benchmarks/Presence.LoadTest/bin/Release/net10.0/Presence.LoadTest.dll

server_pid=""
wait_for() {
  for _ in $(seq 100); do curl -sf "$1" >/dev/null && return; sleep 0.1; done
  echo "the server at $1 did not start" >&2; exit 1
}
start_presence() {
  (cd samples/Presence.Sample.Server/bin/Release/net10.0 && exec dotnet Presence.Sample.Server.dll --urls http://127.0.0.1:5099 >/dev/null 2>&1) &
  server_pid=$!
  wait_for http://127.0.0.1:5099/api/v1/health
}
start_signalr() {
  (cd benchmarks/Presence.Peers.SignalR/bin/Release/net10.0 && exec dotnet Presence.Peers.SignalR.dll --urls http://127.0.0.1:5098 >/dev/null 2>&1) &
  server_pid=$!
  wait_for http://127.0.0.1:5098/api/v1/health
}
start_seed() {
  # Debian's FastAPI and uvicorn: the system interpreter, whatever python3 is first on the PATH.
  if ! /usr/bin/python3 -c 'import fastapi, uvicorn' 2>/dev/null; then
    apt-get install -y -q python3-fastapi python3-uvicorn python3-websockets >/dev/null
  fi
  /usr/bin/python3 -m uvicorn app:app --app-dir benchmarks/peers/seed-fastapi --host 127.0.0.1 --port 5097 --log-level warning >/dev/null 2>&1 &
  server_pid=$!
  wait_for http://127.0.0.1:5097/api/v1/health
}
stop_server() { [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null; wait "$server_pid" 2>/dev/null || true; server_pid=""; }
trap stop_server EXIT

# run <server> <load tool arguments…>: a fresh server for every run, so that one run's garbage does not bill the next.
run() {
  local target=$1; shift
  "start_$target"
  echo "== $target $*"
  dotnet "$load" --server-pid "$server_pid" --duration "$seconds" "$@" | grep -E '^(connections|latency|load tool|server|Churning|round|after|Connecting|[0-9]+ connected|peak|RESULT)' || echo "run failed"
  stop_server
}

matrix="${1:-all}"
if [ "$matrix" = all ] || [ "$matrix" = rooms ]; then
  for protocol in v1 v2; do
    for clients in 50 200 500; do
      run presence --protocol "$protocol" --clients "$clients" --rooms 1
    done
    run presence --protocol "$protocol" --clients 1000 --rooms 100
  done
fi

# The targets' runs: v1, v2 and the SignalR hub at 200 clients in one room, repeated; docs/benchmarks.md gives medians.
if [ "$matrix" = all ] || [ "$matrix" = compare ]; then
  for _ in $(seq "$repeats"); do
    run presence --protocol v1 --clients 200
    run presence --protocol v2 --clients 200
    run signalr --protocol signalr --url ws://127.0.0.1:5098/hub --clients 200
  done
fi

# What a .NET developer would use instead, at the same loads: the SignalR hub, and the seed's own backend.
if [ "$matrix" = all ] || [ "$matrix" = peers ]; then
  for clients in 50 500; do
    run signalr --protocol signalr --url ws://127.0.0.1:5098/hub --clients "$clients"
  done
  for clients in 50 200; do
    run seed --protocol v1 --url ws://127.0.0.1:5097/ws --clients "$clients"
  done
fi

# The slow consumer: 100 moving clients, with and without one more that never reads, for 60 s.
if [ "$matrix" = all ] || [ "$matrix" = slow ]; then
  for protocol in v2 v1; do
    run presence --protocol "$protocol" --clients 100 --duration 60
    run presence --protocol "$protocol" --clients 100 --slow-clients 1 --duration 60
  done
fi

# Rooms opened and closed: 5 rounds of 2,000 clients, each alone in its room, then 60 s idle; RSS before, per round,
# and at the end. Not part of "all".
if [ "$matrix" = churn ]; then
  for protocol in v1 v2; do
    run presence --protocol "$protocol" --clients 2000 --rooms 2000 --churn 5 --duration 60
  done
fi

# Idle connections: IDLE_CLIENTS (15,000) in 100 rooms, v2 with permessage-deflate as browsers offer it, connected at
# 2,000 per second and then left idle; the SignalR hub in the same run. Not part of "all". Each side holds one open
# file per connection, and so does the load tool: the shell's limit is raised first.
if [ "$matrix" = idle ]; then
  ulimit -n 20000 2>/dev/null || true
  idle_clients="${IDLE_CLIENTS:-15000}"
  run presence --protocol v2 --clients "$idle_clients" --rooms 100 --idle 2000
  run signalr --protocol signalr --url ws://127.0.0.1:5098/hub --clients "$idle_clients" --rooms 100 --idle 2000
fi
