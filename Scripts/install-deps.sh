#!/usr/bin/env bash
# Installs the Debian packages hostattest needs, only those that are missing.
#   libssl-dev     OpenSSL headers and libraries (CMS/PKCS#7 for Authenticode and VIB signatures)
#   libtss2-dev    tpm2-tss ESAPI (real TPMs)
#   swtpm          software TPM used by the interop tests
#   swtpm-tools    swtpm_setup, to manufacture a swtpm's endorsement key
#   tpm2-tools     tpm2_quote, tpm2_checkquote, tpm2_activatecredential… (interop tests)
#   sbsigntool     sbsign/sbverify (Authenticode interop tests)
#   binutils       ar (VIB archive interop test)
#   zlib1g-dev     zlib headers (gunzip checksums of VIB payloads)
#   libsqlite3-dev SQLite for the attestation server's store (GRDB links the system SQLite)
#   sqlite3        the sqlite3 shell (a store test checks the audit table refuses DELETE from outside)
# Exit 2 with a clear message when something is missing and cannot be installed (not root, no apt).
set -euo pipefail
packages=(libssl-dev zlib1g-dev libsqlite3-dev sqlite3 libtss2-dev swtpm swtpm-tools tpm2-tools sbsigntool binutils)
missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "deps: all system packages present (${packages[*]})"
  exit 0
fi
echo "deps: installing missing system packages with apt-get: ${missing[*]}"
if ! command -v apt-get >/dev/null 2>&1; then
  echo "deps: error: apt-get not found; install these packages by hand: ${missing[*]}" >&2
  exit 2
fi
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
    SUDO="sudo -n"
  else
    echo "deps: error: not root and no password-less sudo; run as root: apt-get install ${missing[*]}" >&2
    exit 2
  fi
fi
export DEBIAN_FRONTEND=noninteractive
if ! $SUDO apt-get update -qq; then
  echo "deps: error: apt-get update failed; cannot install ${missing[*]}" >&2
  exit 2
fi
if ! $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"; then
  echo "deps: error: apt-get install failed for: ${missing[*]}" >&2
  exit 2
fi
echo "deps: installed ${missing[*]}"
