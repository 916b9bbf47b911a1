#!/usr/bin/env bash
# Installs the Python tools the tests need into a virtual environment of the work tree
# (.build/test-tools, ignored by git), only when missing:
#   schemathesis  the OpenAPI contract test of `hostattest serve` (EndToEndTests runs its `st` against a
#                 live server on loopback and the committed Sources/AttestServer/OpenAPI/openapi.json)
# Exit 2 with a clear message when it cannot be installed.
set -euo pipefail
cd "$(dirname "$0")/.."
version=4.32.5
venv=.build/test-tools
if [ -x "$venv/bin/st" ] && "$venv/bin/st" --version 2>/dev/null | grep -q "$version"; then
  echo "test-deps: schemathesis $version present ($venv)"
  exit 0
fi
if ! command -v python3 >/dev/null 2>&1; then
  echo "test-deps: error: python3 not found; install python3 (with venv and pip)" >&2
  exit 2
fi
mkdir -p .build
if [ ! -x "$venv/bin/python3" ] && ! python3 -m venv "$venv"; then
  echo "test-deps: error: python3 -m venv $venv failed (Debian: apt-get install python3-venv)" >&2
  exit 2
fi
echo "test-deps: installing schemathesis==$version into $venv"
if ! "$venv/bin/python3" -m pip install --quiet "schemathesis==$version"; then
  echo "test-deps: error: pip install schemathesis==$version failed" >&2
  exit 2
fi
