#!/bin/sh
# Fetch axe-core (the accessibility engine the browser tests inject into every page they check)
# from the npm registry into tests/vendor/axe-core, where tests/test_pages_browser.py reads it.
# Needs npm; only the tests use it, never `kg`. The version is the one
# tests/vendor/axe-core/README.md names, with the checksum it lists; a changed checksum means a
# different build: check it and update the README.
set -eu
VERSION=4.14.1
target="$(dirname "$0")/../tests/vendor/axe-core"
scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT
(cd "$scratch" && npm pack --silent "axe-core@$VERSION" >/dev/null && tar xzf "axe-core-$VERSION.tgz")
mkdir -p "$target"
cp "$scratch/package/axe.min.js" "$scratch/package/LICENSE" "$target/"
(cd "$target" && sha256sum axe.min.js)
