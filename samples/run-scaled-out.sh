#!/usr/bin/env bash
# Starts the scaled-out sample on loopback: redis-server, three API instances sharing it, and the YARP gateway
# at http://localhost:3000 in front of them. Two tabs land on different instances and see each other.
# Ctrl+C stops everything.
set -euo pipefail
cd "$(dirname "$0")/.."

redis_port="${REDIS_PORT:-6399}"
work="$(mktemp -d)"
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  redis-cli -p "$redis_port" shutdown nosave >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT INT TERM

redis-server --port "$redis_port" --bind 127.0.0.1 --save '' --appendonly no --daemonize yes \
  --pidfile "$work/redis.pid" --logfile "$work/redis.log" --dir "$work"

dotnet build samples/Presence.Sample.Server -v quiet -nologo
dotnet build samples/Presence.Sample.Gateway -v quiet -nologo

server_output=samples/Presence.Sample.Server/bin/Debug/net10.0
for port in 5001 5002 5003; do
  (cd "$server_output" && REDIS_URL="redis://127.0.0.1:$redis_port" exec dotnet Presence.Sample.Server.dll --urls "http://127.0.0.1:$port") &
  pids+=($!)
done

dotnet run --project samples/Presence.Sample.Gateway --no-build &
pids+=($!)
echo "Gateway on http://localhost:3000, API instances on 127.0.0.1:5001-5003, Redis on 127.0.0.1:$redis_port."
wait -n "${pids[@]}"
