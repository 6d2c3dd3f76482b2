# Sourced by the benchmark scripts that start servers: stops the one they
# started (by pid, never one it did not start) and removes its directory.
# Callers set server_pid and work as they start a server.
server_pid=
work=
stop_server() {
    if [ -n "$server_pid" ]; then
        kill -TERM "$server_pid" 2>/dev/null || true
        wait "$server_pid" 2>/dev/null || true
        server_pid=
    fi
    [ -n "$work" ] && rm -rf "$work"
    work=
}
trap stop_server EXIT
