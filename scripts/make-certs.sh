#!/usr/bin/env bash
# Makes a certificate authority and one certificate per node, signed by it, for mutual TLS between nodes.
# For tests and trials; for a real deployment see docs/SECURITY.md.
#
#   scripts/make-certs.sh OUT_DIR NODE [NODE...]
#
# Writes OUT_DIR/ca.crt and OUT_DIR/ca.key (the authority), and for each NODE OUT_DIR/NODE.pfx (its certificate and
# key, PKCS#12, password from CERT_PASSWORD, default "cluster") and OUT_DIR/NODE.crt. An existing authority in
# OUT_DIR is reused, so nodes can be added later. Exit 2 on bad arguments.
set -euo pipefail

if [[ $# -lt 2 ]]; then
  echo "usage: $0 OUT_DIR NODE [NODE...]" >&2
  exit 2
fi

out=$1
shift
password=${CERT_PASSWORD:-cluster}
days=${CERT_DAYS:-825}
mkdir -p "$out"
umask 077

if [[ ! -f "$out/ca.key" || ! -f "$out/ca.crt" ]]; then
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
    -keyout "$out/ca.key" -out "$out/ca.crt" -days "$days" \
    -subj "/CN=cluster-agents CA $(basename "$out")" \
    -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" 2>/dev/null
fi

for node in "$@"; do
  if [[ ! "$node" =~ ^[A-Za-z0-9._-]+$ ]]; then
    echo "$0: node name '$node' must be letters, digits, '.', '_' or '-'" >&2
    exit 2
  fi

  openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
    -keyout "$out/$node.key" -out "$out/$node.csr" -subj "/CN=$node" 2>/dev/null
  printf 'basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature,keyAgreement\nextendedKeyUsage=serverAuth,clientAuth\nsubjectAltName=DNS:%s,DNS:localhost,IP:127.0.0.1\n' "$node" > "$out/$node.ext"
  openssl x509 -req -in "$out/$node.csr" -CA "$out/ca.crt" -CAkey "$out/ca.key" -CAcreateserial \
    -out "$out/$node.crt" -days "$days" -extfile "$out/$node.ext" 2>/dev/null
  openssl pkcs12 -export -inkey "$out/$node.key" -in "$out/$node.crt" -certfile "$out/ca.crt" \
    -out "$out/$node.pfx" -passout "pass:$password" -name "$node"
  rm -f "$out/$node.csr" "$out/$node.ext"
done

echo "$out: ca.crt, $(printf '%s.pfx ' "$@")"
