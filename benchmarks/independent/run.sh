#!/usr/bin/env bash
# Artillery against the sample server (Release, 127.0.0.1:5099), with the server's CPU sampled every second.
# benchmarks/independent/run.sh   (from anywhere; installs Artillery on first use)
set -euo pipefail
cd "$(dirname "$0")"
root=../..
[ -d node_modules/artillery ] || PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund
dotnet build "$root/samples/Presence.Sample.Server" -c Release -v quiet -nologo
work=$(mktemp -d)
(cd "$root/samples/Presence.Sample.Server/bin/Release/net10.0" && exec dotnet Presence.Sample.Server.dll --urls http://127.0.0.1:5099 >/dev/null 2>&1) &
server=$!
sampler=""
cleanup() { [ -n "$sampler" ] && kill "$sampler" 2>/dev/null; kill "$server" 2>/dev/null; wait 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT
for _ in $(seq 100); do curl -sf http://127.0.0.1:5099/api/v1/health >/dev/null && break; sleep 0.1; done

# utime + stime (fields 14 and 15 of /proc/PID/stat, in 1/100 s), with a millisecond timestamp.
( while sleep 1; do
    ticks=$(awk '{print $14 + $15}' "/proc/$server/stat")
    printf '%s\t%s\n' "$(date +%s%3N)" "$(echo "scale=2; $ticks / 100" | bc)"
  done ) > "$work/cpu.tsv" &
sampler=$!
npx artillery run --output "$work/report.json" presence.yml > "$work/artillery.log"
node report.cjs "$work/report.json" "$work/cpu.tsv"
