#!/usr/bin/env bash
# build.sh [--features LIST] [--out DIR] [--no-setup]: builds the npm package `matrix-authz`
# into DIR (default bindings-wasm/pkg) and prints the .wasm sizes.
#
# Tools come from .ci/setup/wasm.sh (the wasm32 target, wasm-bindgen-cli at the Cargo.lock
# version through `cargo install`, wasm-opt from the npm package binaryen); nothing else is
# downloaded and wasm-pack is never used. LIST defaults to `full` (every engine feature, as
# published); other lists exist to measure what each feature costs (tests/sizes.sh).
# shellcheck source=SCRIPTDIR/../.ci/lib/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/../.ci/lib/common.sh"

FEATURES=full
OUT="$MATRIX_AUTHZ_ROOT/bindings-wasm/pkg"
SETUP=1
while [ $# -gt 0 ]; do
  case "$1" in
    --features) FEATURES="$2"; shift 2 ;;
    --out) OUT="$2"; shift 2 ;;
    --no-setup) SETUP=0; shift ;;
    *) log "unknown argument: $1"; exit 2 ;;
  esac
done

[ "$SETUP" = 1 ] && need_setup wasm >&2
NPM_BIN="$MATRIX_AUTHZ_TOOLS/npm/node_modules/.bin"
WASM_OPT="$NPM_BIN/wasm-opt"
[ -x "$WASM_OPT" ] || { log "ERROR: $WASM_OPT missing (run .ci/setup/wasm.sh)"; exit 1; }

CRATE_DIR="$MATRIX_AUTHZ_ROOT/bindings-wasm"
PROFILE=wasm-release
TARGET_DIR="$(cargo metadata --format-version 1 --no-deps | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>console.log(JSON.parse(s).target_directory))')"
RAW="$TARGET_DIR/wasm32-unknown-unknown/$PROFILE/matrix_authz_wasm.wasm"

log "cargo build ($PROFILE, features: $FEATURES)"
cargo build -p matrix-authz-wasm --target wasm32-unknown-unknown --profile "$PROFILE" \
  --no-default-features --features "$FEATURES" >&2

WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
log "wasm-bindgen $(wasm-bindgen --version | awk '{print $2}') (nodejs and web)"
wasm-bindgen --target nodejs --out-dir "$WORK/node" --out-name matrix_authz "$RAW"
wasm-bindgen --target web --out-dir "$WORK/web" --out-name matrix_authz "$RAW"
# Both targets emit the same module, so the package ships it once.
cmp -s "$WORK/node/matrix_authz_bg.wasm" "$WORK/web/matrix_authz_bg.wasm" \
  || { log "ERROR: the nodejs and web builds emitted different .wasm files"; exit 1; }

rm -rf "$OUT"
mkdir -p "$OUT"
# Size: flattening and re-looping between -Oz rounds lets wasm-opt shrink the Rust output
# further (about 3 KB raw, 1 KB gzipped, measured against a single -Oz). `--low-memory-unused`
# lets it fold `ptr + constant` into load and store offsets (0.7 KB gzipped); it only changes
# what an access does when that addition wraps past 4 GiB into the first KiB, and Rust's wasm
# never forms such a pointer (memory starts with the 1 MiB stack, data lies above it).
WASM_OPT_FLAGS=(--low-memory-unused -Oz --flatten --rereloop -Oz -Oz)
log "wasm-opt ${WASM_OPT_FLAGS[*]}"
"$WASM_OPT" "${WASM_OPT_FLAGS[@]}" "$WORK/web/matrix_authz_bg.wasm" -o "$OUT/matrix_authz_bg.wasm"

cp "$WORK/node/matrix_authz.js" "$OUT/matrix_authz_node.cjs"
cp "$WORK/web/matrix_authz.js" "$OUT/matrix_authz_web.mjs"
# One declaration file for every entry point: the API (identical in both builds) and the
# custom section's types, including `initAsync`.
cp "$WORK/node/matrix_authz.d.ts" "$OUT/index.d.ts"
cp "$CRATE_DIR/js/node.cjs" "$CRATE_DIR/js/index.mjs" "$CRATE_DIR/js/guard.mjs" "$CRATE_DIR/README.md" "$OUT/"
# The handle guard is written once, as an ES module; node's CommonJS entry gets the same code
# with its one export turned into `module.exports`.
[ "$(grep -c '^export ' "$CRATE_DIR/js/guard.mjs")" = 1 ] \
  || { log "ERROR: js/guard.mjs must have exactly one export (guardHandles)"; exit 1; }
{
  echo "'use strict';"
  sed 's/^export function guardHandles(/function guardHandles(/' "$CRATE_DIR/js/guard.mjs"
  echo 'module.exports = { guardHandles };'
} > "$OUT/guard.cjs"

VERSION="$(cargo metadata --format-version 1 --no-deps | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>console.log(JSON.parse(s).packages.find(p=>p.name==="matrix-authz-wasm").version))')"
sed "s/@VERSION@/$VERSION/" "$CRATE_DIR/js/package.json" > "$OUT/package.json"

# node ESM re-exports the CommonJS build by name, so both share one instance and one set of
# classes. The names come from the build itself, so a new export needs no edit here.
NAMES="$(node -e 'console.log(Object.keys(require(process.argv[1])).sort().join(", "))' "$OUT/node.cjs")"
cat > "$OUT/node.mjs" <<EOF
// node, ES modules: the CommonJS build (node.cjs), re-exported by name.
import { createRequire } from 'node:module';

const bindings = createRequire(import.meta.url)('./node.cjs');

export const { $NAMES } = bindings;
EOF

raw_bytes=$(wc -c < "$RAW")
bg_bytes=$(wc -c < "$WORK/web/matrix_authz_bg.wasm")
opt_bytes=$(wc -c < "$OUT/matrix_authz_bg.wasm")
gz_bytes=$(gzip -9c "$OUT/matrix_authz_bg.wasm" | wc -c)
log "built $OUT"
printf 'features=%s cargo_bytes=%d bindgen_bytes=%d published_bytes=%d published_gzip_bytes=%d\n' \
  "$FEATURES" "$raw_bytes" "$bg_bytes" "$opt_bytes" "$gz_bytes"
