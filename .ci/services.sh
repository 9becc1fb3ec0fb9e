#!/usr/bin/env bash
# Throwaway PostgreSQL, Redis and RabbitMQ servers on loopback for the production-mode tests.
#   eval "$(.ci/services.sh start)"   prints `export TEST_POSTGRES_URL=...` (TEST_REDIS_URL, TEST_AMQP_URL)
#   .ci/services.sh down|up|restart redis|rabbitmq   (the outage tests take servers away and back)
#   .ci/services.sh stop
# As root it installs what is missing from Debian's packages first (idempotent). A server it
# cannot have is reported on stderr in one line; its tests are then skipped with that reason.
set -uo pipefail
ROOT="${ALBATROSS_SERVICES_DIR:-/tmp/albatross-test-services}"
PG_PORT="${TEST_POSTGRES_PORT:-55432}"
REDIS_PORT="${TEST_REDIS_PORT:-56379}"
AMQP_PORT="${TEST_AMQP_PORT:-55672}"
# RabbitMQ's node: loopback only, its own name, ports and directories (FACTS.md).
export RABBITMQ_NODENAME=albatross-test@localhost RABBITMQ_NODE_IP_ADDRESS=127.0.0.1 ERL_EPMD_ADDRESS=127.0.0.1
export RABBITMQ_NODE_PORT="$AMQP_PORT" RABBITMQ_DIST_PORT="$((AMQP_PORT + 1))"
export RABBITMQ_MNESIA_BASE="$ROOT/rabbitmq/mnesia" RABBITMQ_LOG_BASE="$ROOT/rabbitmq/log"
export RABBITMQ_PID_FILE="$ROOT/rabbitmq/pid" RABBITMQ_ENABLED_PLUGINS_FILE="$ROOT/rabbitmq/enabled_plugins"

say() { echo "services: $*" >&2; }

install_missing() {
    [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null || return 0
    local missing=()
    ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || missing+=(postgresql)
    command -v redis-server >/dev/null || missing+=(redis-server)
    command -v rabbitmq-server >/dev/null || missing+=(rabbitmq-server)
    [ "${#missing[@]}" = 0 ] && return 0
    say "installing ${missing[*]}"
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}") >/dev/null 2>&1 \
        || say "could not install ${missing[*]}"
}

start_postgres() {
    local bin
    bin="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)"
    [ -n "$bin" ] || { say "PostgreSQL is not installed (need root to install it)"; return 1; }
    local dir="$ROOT/postgres"
    local as=()
    [ "$(id -u)" = 0 ] && as=(runuser -u postgres --)  # initdb refuses to run as root
    rm -rf "$dir" && mkdir -p "$dir" && chmod 755 "$ROOT"
    [ "$(id -u)" = 0 ] && chown postgres "$dir"
    "${as[@]}" "$bin/initdb" -D "$dir/data" --auth=trust -U postgres >/dev/null 2>&1 \
        || { say "initdb failed"; return 1; }
    "${as[@]}" "$bin/pg_ctl" -D "$dir/data" -l "$dir/log" -w -t 60 \
        -o "-c listen_addresses=127.0.0.1 -c port=$PG_PORT -c unix_socket_directories=$dir -c fsync=on" \
        start >/dev/null 2>&1 || { say "PostgreSQL did not start (see $dir/log)"; return 1; }
    "${as[@]}" "$bin/createdb" -h 127.0.0.1 -p "$PG_PORT" -U postgres albatross_test >/dev/null 2>&1 \
        || { say "createdb failed"; return 1; }
    echo "export TEST_POSTGRES_URL=postgresql+asyncpg://postgres@127.0.0.1:$PG_PORT/albatross_test"
}

start_redis() {
    command -v redis-server >/dev/null || { say "Redis is not installed (need root to install it)"; return 1; }
    local dir="$ROOT/redis"
    rm -rf "$dir" && mkdir -p "$dir"
    redis-server --daemonize yes --bind 127.0.0.1 --port "$REDIS_PORT" --save '' --appendonly no \
        --dir "$dir" --pidfile "$dir/redis.pid" --logfile "$dir/log" >/dev/null 2>&1 \
        || { say "Redis did not start"; return 1; }
    for _ in $(seq 50); do
        redis-cli -h 127.0.0.1 -p "$REDIS_PORT" ping >/dev/null 2>&1 && break
        sleep 0.1
    done
    echo "export TEST_REDIS_URL=redis://127.0.0.1:$REDIS_PORT/0"
}

start_rabbitmq() {
    command -v rabbitmq-server >/dev/null || { say "RabbitMQ is not installed (need root to install it)"; return 1; }
    local dir="$ROOT/rabbitmq"
    if [ ! -d "$dir" ]; then
        mkdir -p "$dir/mnesia" "$dir/log" && echo "[]." > "$dir/enabled_plugins"
        [ "$(id -u)" = 0 ] && chown -R rabbitmq "$dir"
    fi
    rabbitmq-server -detached >/dev/null 2>&1 || { say "RabbitMQ did not start"; return 1; }
    # -detached returns before the node is up: wait for it.
    for _ in $(seq 30); do
        rabbitmqctl -q await_startup --timeout 60 >/dev/null 2>&1 && break
        sleep 1
    done
    rabbitmqctl -q await_startup --timeout 5 >/dev/null 2>&1 || { say "RabbitMQ did not come up (see $dir/log)"; return 1; }
    echo "export TEST_AMQP_URL=amqp://guest:guest@127.0.0.1:$AMQP_PORT/"
}

stop_rabbitmq() {
    command -v rabbitmqctl >/dev/null && [ -d "$ROOT/rabbitmq" ] || return 0
    rabbitmqctl -q stop >/dev/null 2>&1
    epmd -kill >/dev/null 2>&1
}

stop_redis() {
    if [ -f "$ROOT/redis/redis.pid" ]; then
        redis-cli -h 127.0.0.1 -p "$REDIS_PORT" shutdown nosave >/dev/null 2>&1 || kill "$(cat "$ROOT/redis/redis.pid")" 2>/dev/null
        for _ in $(seq 50); do  # gone, port free
            redis-cli -h 127.0.0.1 -p "$REDIS_PORT" ping >/dev/null 2>&1 || break
            sleep 0.1
        done
    fi
}

stop_all() {
    local bin
    bin="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)"
    if [ -n "$bin" ] && [ -d "$ROOT/postgres/data" ]; then
        local as=()
        [ "$(id -u)" = 0 ] && as=(runuser -u postgres --)
        "${as[@]}" "$bin/pg_ctl" -D "$ROOT/postgres/data" -m immediate stop >/dev/null 2>&1
    fi
    stop_redis
    stop_rabbitmq
    rm -rf "$ROOT"
}

case "${1:-}" in
    start)
        stop_all
        install_missing
        start_postgres
        start_redis
        start_rabbitmq
        # The servers are ours: the crash-safety tests may restart them (restart below).
        echo "export TEST_SERVICES_SCRIPT=$(cd "$(dirname "$0")" && pwd)/services.sh"
        ;;
    down|up|restart)
        case "${2:-}" in
            redis|rabbitmq) ;;
            *) echo "usage: .ci/services.sh $1 redis|rabbitmq" >&2; exit 2 ;;
        esac
        [ "$1" = up ] || "stop_$2"
        [ "$1" = down ] || "start_$2" >/dev/null
        ;;
    stop) stop_all ;;
    *) echo "usage: .ci/services.sh start|stop|down|up|restart" >&2; exit 2 ;;
esac
exit 0
