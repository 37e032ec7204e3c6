#!/usr/bin/env bash
# Refreshes the README's pictures in docs/screenshots/ from the end-to-end run's views (the test
# run itself writes them to the ignored test-output/ and leaves tracked files alone).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/build.sh
SCREENSHOTS=docs/screenshots node --test tests/e2e/access.test.mjs
git status --short docs/screenshots
