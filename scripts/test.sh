#!/usr/bin/env bash
# `npm test`: build the package, then every test layer (unit, node, integration, e2e).
# Pass layer names to run fewer: `npm test -- unit node`.
# The integration and e2e layers run the real Prometheus and Alertmanager from Debian's packages,
# and e2e drives n8n's editor in Debian's Chromium: installed here when missing (apt-get, as root
# or with sudo), or the run stops at once with the command that installs them.
set -euo pipefail
cd "$(dirname "$0")/.."

layers=()
for layer in "${@:-unit node integration e2e}"; do
  for l in $layer; do layers+=("$l"); done
done

packages=()
for l in "${layers[@]}"; do
  case "$l" in
    integration) packages+=(prometheus prometheus-alertmanager) ;;
    e2e) packages+=(prometheus prometheus-alertmanager chromium) ;;
  esac
done
if [ ${#packages[@]} -gt 0 ]; then
  mapfile -t packages < <(printf '%s\n' "${packages[@]}" | sort -u)
  bash scripts/ensure-apt.sh "${packages[@]}"
fi

[ -d node_modules/@n8n/node-cli ] || npm ci --no-audit --no-fund
npm run build --silent
projects=()
for l in "${layers[@]}"; do projects+=(--project "$l"); done
mkdir -p test-results
rm -f test-results/results.json
set +e
npx vitest run "${projects[@]}" --reporter=default --reporter=json --outputFile.json=test-results/results.json
status=$?
set -e
# One line to read at the end: files first (a file that fails to load or whose setup fails has
# no failed test, but it failed), then tests.
node -e '
const r = require("./test-results/results.json");
const skipped = r.numPendingTests + r.numTodoTests;
const failedFiles = r.testResults.filter((f) => f.status === "failed").length;
const files = `test files: ${r.testResults.length - failedFiles} passed, ${failedFiles} failed`;
const tests = `tests: ${r.numPassedTests} passed, ${r.numFailedTests} failed` + (skipped ? `, ${skipped} skipped` : "");
console.log(`${files}; ${tests}`);
' || echo "test files: no result file written (vitest exit $status)"
exit $status
