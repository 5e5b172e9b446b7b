#!/usr/bin/env bash
# `npm test`: build the package, then every test layer (unit, node, integration, e2e).
# Pass layer names to run fewer: `npm test -- unit node`.
set -euo pipefail
cd "$(dirname "$0")/.."
npm run build --silent
projects=()
for layer in "${@:-unit node integration e2e}"; do
  for l in $layer; do projects+=(--project "$l"); done
done
mkdir -p test-results
set +e
npx vitest run "${projects[@]}" --reporter=default --reporter=json --outputFile.json=test-results/results.json
status=$?
set -e
node -e '
const r = require("./test-results/results.json");
const skipped = r.numPendingTests + r.numTodoTests;
console.log(`tests: ${r.numPassedTests} passed, ${r.numFailedTests} failed` + (skipped ? `, ${skipped} skipped` : ""));
' || true
exit $status
