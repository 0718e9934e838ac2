#!/usr/bin/env bash
# Makes an API key for FOTOGAL_AUTH=api_key.
#   scripts/api-key.sh KEY_ID [SCOPES]   a fresh secret on stdout (give it to the client), the
#                                        line for the keys file on stderr (scopes: upload,read)
#   scripts/api-key.sh --hash KEY_ID [SCOPES] < secret
#                                        the keys-file line for an existing secret
# The keys file holds only the SHA-256 of each secret; store it in the Secret the chart mounts.
set -euo pipefail
usage() { echo "usage: $0 [--hash] KEY_ID [upload,read]" >&2; exit 2; }
hash_mode=0
[[ "${1:-}" == "--hash" ]] && { hash_mode=1; shift; }
[[ $# -ge 1 && $# -le 2 ]] || usage
id="$1" scopes="${2:-}"
[[ "$id" =~ ^[A-Za-z0-9._@:-]{1,128}$ ]] || { echo "KEY_ID may hold letters, digits and ._@:- only" >&2; exit 2; }
[[ -z "$scopes" || "$scopes" =~ ^(upload|read)(,(upload|read))?$ ]] || { echo "SCOPES: upload, read or upload,read" >&2; exit 2; }
if (( hash_mode )); then
  IFS= read -r secret || true
  [[ -n "$secret" ]] || { echo "no secret on stdin" >&2; exit 2; }
else
  secret="$(openssl rand -hex 32)"
  printf '%s\n' "$secret"
fi
hash="$(printf '%s' "$secret" | openssl dgst -sha256 -r | cut -d' ' -f1)"
if (( hash_mode )); then
  echo "$id $hash${scopes:+ $scopes}"
else
  echo "$id $hash${scopes:+ $scopes}" >&2
fi
