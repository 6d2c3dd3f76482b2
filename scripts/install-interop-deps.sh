#!/usr/bin/env bash
# Installs what Tests/interop/run.sh needs and the machine lacks: redis-cli and
# redis-benchmark (Debian's redis-tools), python3 with pip, and the redis-py
# client pinned to a release known to work with Python 3.11. redis-server itself
# (Debian's redis-server) is installed only with --with-redis-server, for
# validating the suite against the reference server (INTEROP_TARGET=redis).
# Each step is skipped when its piece is already present, so a second run is a no-op.
set -euo pipefail
cd "$(dirname "$0")/.."

REDIS_PY_VERSION="${REDIS_PY_VERSION:-5.0.8}"

packages=()
command -v redis-cli >/dev/null 2>&1 && command -v redis-benchmark >/dev/null 2>&1 || packages+=(redis-tools)
command -v python3 >/dev/null 2>&1 || packages+=(python3)
if [ "${1:-}" = "--with-redis-server" ]; then
    command -v redis-server >/dev/null 2>&1 || packages+=(redis-server)
fi
python3 -m pip --version >/dev/null 2>&1 || packages+=(python3-pip)
if [ ${#packages[@]} -gt 0 ]; then
    scripts/install-deps.sh "${packages[@]}"
fi

export PIP_ROOT_USER_ACTION=ignore
installed="$(python3 -c 'import redis; print(redis.__version__)' 2>/dev/null || true)"
if [ "$installed" != "$REDIS_PY_VERSION" ]; then
    echo "installing redis-py $REDIS_PY_VERSION (found: ${installed:-none})"
    spec="redis==$REDIS_PY_VERSION"
    # Debian's own python3 is "externally managed" (PEP 668): plain pip refuses,
    # so fall back to --break-system-packages only when that is the reason.
    if ! first_try="$(python3 -m pip install --quiet --disable-pip-version-check "$spec" 2>&1)"; then
        if grep -qi "externally-managed" <<<"$first_try"; then
            python3 -m pip install --quiet --disable-pip-version-check --break-system-packages "$spec"
        else
            echo "$first_try" >&2
            exit 1
        fi
    fi
fi
