#!/usr/bin/env bash
# link.sh: node_modules beside the tests (ESM ignores NODE_PATH), so they import the built
# package by its name and playwright-core from the CI tool cache. Ignored by git.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
tools="${MATRIX_AUTHZ_TOOLS:-/opt/matrix-authz-tools}"
mkdir -p "$here/node_modules"
ln -sfn ../../pkg "$here/node_modules/matrix-authz"
ln -sfn "$tools/npm/node_modules/playwright-core" "$here/node_modules/playwright-core"
