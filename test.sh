#!/usr/bin/env bash
# Runs every test: the .NET suites (units, properties, Kestrel and sample-process integration), the npm client's
# unit, protocol-vector and packed-package tests, the board's unit tests, and the browser tests in headless Chromium
# against the real sample server.
set -euo pipefail
cd "$(dirname "$0")"

# The tests start their own redis-server processes, drive Debian's Chromium, and publish the sample as a Native AOT
# build (clang and zlib); all come from Debian's packages.
chromium="${CHROMIUM_PATH:-/usr/bin/chromium}"
missing=()
command -v redis-server >/dev/null || missing+=(redis-server redis-tools)
[ -x "$chromium" ] || missing+=(chromium)
command -v clang >/dev/null || missing+=(clang)
[ -e /usr/include/zlib.h ] || missing+=(zlib1g-dev)
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "Installing ${missing[*]} for the tests..."
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
  else
    echo "The tests need ${missing[*]}: install them from Debian's packages (or set CHROMIUM_PATH)." >&2
    exit 1
  fi
fi
export CHROMIUM_PATH="$chromium"
export NEXT_TELEMETRY_DISABLED=1

# Also builds the sample server and, through it, the npm client and the board (npm ci, the client's dist/ that the
# board links to, and the static export).
dotnet test

cd clients/typescript
[ -d node_modules ] || npm ci --no-audit --no-fund
npm run typecheck
npm test

cd ../../samples/board
[ -d node_modules ] || npm ci --no-audit --no-fund
npm test
npm run test:e2e
