#!/usr/bin/env bash
# `npm start`: everything from a fresh clone to a running n8n with this package and its workflows
# on embedded defaults. Installs dependencies if missing, builds, prepares the n8n runtime (Node 24
# + n8n 2.41.1 in ~/.cache, first time only), installs the package, imports the workflows, starts n8n.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -d node_modules/@n8n/node-cli ] || npm ci --no-audit --no-fund
npm run build --silent
exec node scripts/start.mjs "$@"
