#!/bin/sh
# Fetch the query editor's assets (YASGUI) from the npm registry into the package, where
# `kg serve` serves them from. Needs npm. The version is the one kg/publish/static/yasgui/README.md
# names, with the checksums it lists; a changed checksum means a different build: check it and
# update the README.
set -eu
VERSION=4.6.2
target="$(dirname "$0")/../src/kg/publish/static/yasgui"
scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT
(cd "$scratch" && npm pack --silent "@zazuko/yasgui@$VERSION" >/dev/null && tar xzf zazuko-yasgui-$VERSION.tgz)
cp "$scratch/package/build/yasgui.min.js" "$scratch/package/build/yasgui.min.css" "$target/"
(cd "$target" && sha256sum yasgui.min.js yasgui.min.css)
