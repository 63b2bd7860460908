#!/usr/bin/env bash
# The scale-out soak of docs/benchmarks.md: randomized multi-instance sequences, checked against a model, for
# MINUTES (10 by default) against three sample-server processes (Release) on one redis-server, all on loopback.
#   benchmarks/run-soak.sh [MINUTES] [SEED]
set -euo pipefail
cd "$(dirname "$0")/.."
minutes="${1:-10}"
dotnet build samples/Presence.Sample.Server -c Release -v quiet -nologo
dotnet build benchmarks/Presence.Soak -c Release -v quiet -nologo
exec dotnet benchmarks/Presence.Soak/bin/Release/net10.0/Presence.Soak.dll "$minutes" \
  samples/Presence.Sample.Server/bin/Release/net10.0/Presence.Sample.Server.dll ${2:-}
