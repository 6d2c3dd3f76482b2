#!/usr/bin/env bash
# Installs what Tests/interop/run.sh needs and the machine lacks: redis-cli and
# redis-benchmark (Debian's redis-tools), redis-server 7 (Debian's redis-server:
# the dump_export_* tests load cairn-dump's exports into it, and
# INTEROP_TARGET=redis runs the suite against it), python3 with pip, and the
# redis-py client pinned to a release known to work with Python 3.11.
# Each step is skipped when its piece is already present, so a second run is a no-op.
# (--with-redis-server, which used to add redis-server, is accepted and changes nothing.)
#
# Debian's redis-server package starts a daemon on port 6379 when installed;
# the suite starts its own servers, so this script keeps the package from
# starting it (a policy-rc.d that answers 101, "action forbidden", for the
# duration of the install) and stops and disables the service in case it
# started anyway. A redis-server that was already installed is left alone.
set -euo pipefail
cd "$(dirname "$0")/.."

REDIS_PY_VERSION="${REDIS_PY_VERSION:-5.0.8}"

packages=()
command -v redis-cli >/dev/null 2>&1 && command -v redis-benchmark >/dev/null 2>&1 || packages+=(redis-tools)
command -v python3 >/dev/null 2>&1 || packages+=(python3)
new_redis_server=0
if ! command -v redis-server >/dev/null 2>&1; then packages+=(redis-server); new_redis_server=1; fi
python3 -m pip --version >/dev/null 2>&1 || packages+=(python3-pip)

# policy-rc.d (invoke-rc.d and deb-systemd-invoke ask it before starting a
# service): ours answers 101 while the packages install, unless the machine
# has one already (Docker images ship one that answers 101 for good).
policy=/usr/sbin/policy-rc.d
own_policy=0
remove_policy() { if [ "$own_policy" = 1 ]; then rm -f "$policy"; own_policy=0; fi; }
trap remove_policy EXIT
if [ "$new_redis_server" = 1 ] && [ "$(id -u)" -eq 0 ] && [ ! -e "$policy" ]; then
    printf '#!/bin/sh\n# scripts/install-interop-deps.sh: no service starts while it installs packages.\nexit 101\n' >"$policy"
    chmod 755 "$policy"
    own_policy=1
fi
if [ ${#packages[@]} -gt 0 ]; then
    scripts/install-deps.sh "${packages[@]}"
fi
remove_policy
if [ "$new_redis_server" = 1 ] && [ "$(id -u)" -eq 0 ]; then
    # In case the daemon started all the same: the service the package made, by its name.
    if command -v systemctl >/dev/null 2>&1 && [ -d /run/systemd/system ]; then
        systemctl stop redis-server.service >/dev/null 2>&1 || true
        systemctl disable redis-server.service >/dev/null 2>&1 || true
    elif [ -x /etc/init.d/redis-server ]; then
        /etc/init.d/redis-server stop >/dev/null 2>&1 || true
    fi
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
