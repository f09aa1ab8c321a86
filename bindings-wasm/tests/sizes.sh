#!/usr/bin/env bash
# sizes.sh: what each engine feature costs in the published .wasm. Builds the package with
# every feature, then with each feature removed in turn (serde takes metadata with it, since
# metadata needs serde), into scratch folders, and prints one line per build from build.sh.
# Not part of CI (each build is a full release link): run by hand, numbers go to the README.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT
build() { bash "$here/../build.sh" --no-setup --out "$scratch/$1" --features "$2" 2>/dev/null | sed "s/^/$1 /"; }
build full full
build no-rand serde,metadata
build no-metadata serde,rand
build no-serde rand
build none ""
