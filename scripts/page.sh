#!/usr/bin/env bash
# The staking page: installs its Node packages from the lockfile (first time), builds app/web
# into app/web/dist (the page, the client, and migrations/metadata at /metadata/), and serves
# it on loopback. The page needs nothing but an RPC URL; connect any Wallet Standard wallet.
#   bash scripts/page.sh [RPC_URL] [PORT]     (defaults: http://127.0.0.1:8899, 5173)
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
RPC=${1:-http://127.0.0.1:8899}
PORT=${2:-5173}
# One workspace (app/): the page bundles @diem/client, built first.
[ -d "$ROOT/app/node_modules" ] || (cd "$ROOT/app" && npm ci --no-audit --no-fund --loglevel=error)
npm --prefix "$ROOT/app/ts" run -s build
npm --prefix "$ROOT/app/web" run -s build
echo "open http://127.0.0.1:$PORT/?rpc=$(python3 -c 'import sys,urllib.parse; print(urllib.parse.quote(sys.argv[1], safe=""))' "$RPC")"
exec node "$ROOT/app/web/serve.mjs" "$PORT"
