#!/usr/bin/env bash
# Throwaway certificates for the cluster's mutual TLS (Artery tls-tcp, README "Cluster security"),
# for local clusters, tests and dev overlays only: production certificates come from your CA or
# cert-manager.
#
#   scripts/dev-certs.sh ca DIR               # a new CA: DIR/ca.crt, DIR/ca.key (RSA 2048, 10 years)
#   scripts/dev-certs.sh node CA_DIR OUT [CN] # OUT/tls.key, OUT/tls.crt (issued by the CA), OUT/ca.crt
#
# A node certificate's subject is CN=<CN> (default: marketgate-node) with the DNS names
# marketgate-cluster (the name every member shares: Pekko accepts a peer only when its certificate
# has a subject name in common with its own) and <CN>. Running `node` again on the same OUT
# rotates the key and certificate in place (new key, new serial): a running node picks them up
# within MARKETGATE_TLS_RELOAD_INTERVAL.
set -euo pipefail

SHARED_NAME=marketgate-cluster

usage() { sed -n '2,13p' "$0" | sed 's/^# \{0,1\}//'; exit 2; }

new_ca() {
  local dir=${1:?CA directory}
  mkdir -p "$dir"
  openssl req -x509 -newkey rsa:2048 -nodes -sha256 -days 3650 \
    -keyout "$dir/ca.key.tmp" -out "$dir/ca.crt.tmp" \
    -subj "/CN=Marketgate dev CA $(openssl rand -hex 4)" \
    -addext "basicConstraints=critical,CA:TRUE" \
    -addext "keyUsage=critical,keyCertSign,cRLSign" 2>/dev/null
  chmod 600 "$dir/ca.key.tmp"
  mv "$dir/ca.key.tmp" "$dir/ca.key"
  mv "$dir/ca.crt.tmp" "$dir/ca.crt"
}

new_node() {
  local ca=${1:?CA directory} out=${2:?output directory} cn=${3:-marketgate-node}
  [ -f "$ca/ca.crt" ] && [ -f "$ca/ca.key" ] || { echo "no CA in $ca (run: $0 ca $ca)" >&2; exit 1; }
  mkdir -p "$out"
  local work
  work=$(mktemp -d)
  trap 'rm -rf "$work"' RETURN
  openssl req -newkey rsa:2048 -nodes -sha256 -keyout "$work/tls.key" -out "$work/node.csr" \
    -subj "/CN=$cn" 2>/dev/null
  printf '%s\n' \
    "subjectAltName=DNS:$SHARED_NAME,DNS:$cn" \
    "basicConstraints=critical,CA:FALSE" \
    "keyUsage=critical,digitalSignature,keyEncipherment" \
    "extendedKeyUsage=serverAuth,clientAuth" > "$work/node.ext"
  openssl x509 -req -sha256 -days 825 -in "$work/node.csr" -CA "$ca/ca.crt" -CAkey "$ca/ca.key" \
    -set_serial "0x$(openssl rand -hex 16)" -extfile "$work/node.ext" -out "$work/tls.crt" 2>/dev/null
  chmod 600 "$work/tls.key"
  # Each file is replaced by a rename, so none is ever read half-written. Pekko opens the key and
  # the certificate one after the other, so a reload in the instant between the two renames could
  # pair the old certificate with the new key until the next reload (README "Cluster security").
  cp "$ca/ca.crt" "$out/.ca.crt.new" && mv "$out/.ca.crt.new" "$out/ca.crt"
  cp "$work/tls.key" "$out/.tls.key.new"
  cp "$work/tls.crt" "$out/.tls.crt.new"
  mv "$out/.tls.key.new" "$out/tls.key" && mv "$out/.tls.crt.new" "$out/tls.crt"
}

case "${1:-}" in
  ca) shift; new_ca "$@" ;;
  node) shift; new_node "$@" ;;
  *) usage ;;
esac
