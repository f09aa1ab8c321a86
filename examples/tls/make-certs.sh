#!/usr/bin/env bash
# make-certs.sh DIR: a throwaway certificate authority and one server certificate for each name
# the examples serve over https, for tests on 127.0.0.1.
#
# Writes, in DIR (created if missing; a temporary folder, never committed):
#   ca.pem, ca.key                     the CA (2 days, P-256, CA:TRUE, keyCertSign)
#   NAME.pem, NAME.key for each NAME   a leaf signed by the CA: SAN DNS:NAME, EKU serverAuth,
#                                      CA:FALSE, 2 days
# NAME: auth.example.test (the authorization server), matrix.example.test (the homeserver),
# app.example.test (the web client). `.test` is reserved (RFC 2606): the names never resolve
# anywhere, so each client maps them to 127.0.0.1 itself and trusts ca.pem itself; nothing in
# the machine's configuration changes.
#
# Idempotent: files that are present, match each other and are valid for at least another hour
# are kept (a second run changes nothing); anything missing, mismatched or about to expire is
# made anew (a new CA re-signs every leaf). Uses Debian's `openssl` (installed through
# .ci/setup/apt.sh when missing). Keys are written mode 600.
set -euo pipefail

NAMES=(auth.example.test matrix.example.test app.example.test)
DAYS=2
# Keep what stays valid this long; shorter-lived files are replaced.
MIN_SECONDS=3600

die() { echo "make-certs.sh: $*" >&2; exit 1; }

[ $# -eq 1 ] && [ -n "$1" ] || die "usage: make-certs.sh DIR"
DIR="$1"

if ! command -v openssl >/dev/null 2>&1; then
  bash "$(dirname "${BASH_SOURCE[0]}")/../../.ci/setup/apt.sh" openssl >&2
fi

mkdir -p "$DIR"
umask 077
WORK="$(mktemp -d "$DIR/.make-certs.XXXXXX")"
trap 'rm -rf "$WORK"' EXIT

# valid_pair CERT KEY: the certificate parses, lasts MIN_SECONDS more and belongs to the key.
valid_pair() {
  local cert="$1" key="$2"
  [ -s "$cert" ] && [ -s "$key" ] || return 1
  openssl x509 -in "$cert" -noout -checkend "$MIN_SECONDS" >/dev/null 2>&1 || return 1
  [ "$(openssl x509 -in "$cert" -noout -pubkey 2>/dev/null | openssl pkey -pubin -outform DER 2>/dev/null | sha256sum)" = \
    "$(openssl pkey -in "$key" -pubout -outform DER 2>/dev/null | sha256sum)" ]
}

# Moves files from WORK into DIR, each rename atomic, so a reader never sees half a file.
install_files() {
  local f
  for f in "$@"; do mv -f "$WORK/$f" "$DIR/$f"; done
}

new_ca=0
if ! valid_pair "$DIR/ca.pem" "$DIR/ca.key"; then
  openssl req -x509 -new -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
    -keyout "$WORK/ca.key" -out "$WORK/ca.pem" -days "$DAYS" \
    -subj "/CN=matrix-authz examples test CA $(date -u +%Y%m%dT%H%M%SZ)" \
    -addext "basicConstraints=critical,CA:TRUE,pathlen:0" \
    -addext "keyUsage=critical,keyCertSign,cRLSign" \
    -addext "subjectKeyIdentifier=hash" 2>/dev/null
  install_files ca.key ca.pem
  new_ca=1
  echo "make-certs.sh: new CA in $DIR/ca.pem" >&2
fi

for name in "${NAMES[@]}"; do
  cert="$DIR/$name.pem"
  key="$DIR/$name.key"
  if [ "$new_ca" = 0 ] && valid_pair "$cert" "$key" \
    && openssl verify -CAfile "$DIR/ca.pem" -purpose sslserver "$cert" >/dev/null 2>&1 \
    && openssl x509 -in "$cert" -noout -checkhost "$name" 2>/dev/null | grep -q 'does match'; then
    continue
  fi
  cat > "$WORK/ext.cnf" <<EOF
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = serverAuth
subjectAltName = DNS:$name
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
EOF
  openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
    -keyout "$WORK/$name.key" -out "$WORK/$name.csr" -subj "/CN=$name" 2>/dev/null
  openssl x509 -req -in "$WORK/$name.csr" -CA "$DIR/ca.pem" -CAkey "$DIR/ca.key" \
    -set_serial "0x$(openssl rand -hex 16)" -days "$DAYS" -extfile "$WORK/ext.cnf" \
    -out "$WORK/$name.pem" 2>/dev/null
  install_files "$name.key" "$name.pem"
  echo "make-certs.sh: new certificate for $name" >&2
done

# The certificates are public; only the keys stay private.
chmod 644 "$DIR/ca.pem"
for name in "${NAMES[@]}"; do chmod 644 "$DIR/$name.pem"; done
