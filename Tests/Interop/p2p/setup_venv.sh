#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Creates the py-libp2p virtualenv the Swift interop tests use (Tests/Interop/p2p/.venv by default).
#   VENV=/path/to/venv Tests/Interop/p2p/setup_venv.sh
# Pins libp2p==0.8.1 and its dependencies (requirements.txt). fastecdsa is compiled from source,
# so gcc and the GMP headers (Debian: libgmp-dev) are needed.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
VENV="${VENV:-$here/.venv}"
if ! dpkg -s libgmp-dev >/dev/null 2>&1; then
  echo "setup_venv: installing libgmp-dev (fastecdsa needs it)"
  apt-get update -qq && apt-get install -y -qq libgmp-dev
fi
if [ ! -x "$VENV/bin/python" ]; then
  python3 -m venv "$VENV"
fi
"$VENV/bin/pip" install -q --disable-pip-version-check -r "$here/requirements.txt"
"$VENV/bin/python" -c "import libp2p; print('setup_venv: libp2p', libp2p.__version__, 'in', '$VENV')"
