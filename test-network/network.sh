#!/usr/bin/env bash
# CityLedger on real Hyperledger Fabric v2.5: up | deploy | down | status (see README.md here).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
if [ ! -f "$here/dist/cli.js" ]; then
  (cd "$here/.." && npx tsc -b test-network)
fi
exec node "$here/dist/cli.js" "$@"
