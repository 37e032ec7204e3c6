#!/usr/bin/env bash
# The README's serve command: set up, build, then serve the page on http://127.0.0.1:8080/
# (another port: scripts/serve.sh --port 9000).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
scripts/build.sh
exec node scripts/serve.mjs "$@"
