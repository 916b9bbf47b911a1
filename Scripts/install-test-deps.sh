#!/usr/bin/env bash
# Installs the Python tools the tests need, only when missing:
#   schemathesis  the OpenAPI contract test of `hostattest serve` (EndToEndTests runs `st run` against a
#                 live server on loopback and the committed Sources/AttestServer/OpenAPI/openapi.json)
# Exit 2 with a clear message when it cannot be installed.
set -euo pipefail
version=4.32.5
if command -v st >/dev/null 2>&1 && st --version 2>/dev/null | grep -q "$version"; then
  echo "test-deps: schemathesis $version present"
  exit 0
fi
if ! command -v python3 >/dev/null 2>&1; then
  echo "test-deps: error: python3 not found; install python3 and pip, then: pip install schemathesis==$version" >&2
  exit 2
fi
echo "test-deps: installing schemathesis==$version with pip"
if ! python3 -m pip install --quiet "schemathesis==$version"; then
  echo "test-deps: error: pip install schemathesis==$version failed" >&2
  exit 2
fi
