#!/usr/bin/env bash
# Install, start and stop the real servers that the test suite and service
# mode need, on loopback only, without Docker:
#
#   Redis          127.0.0.1:${OCR_TEST_REDIS_PORT:-6390}
#   PostgreSQL 15  127.0.0.1:${OCR_TEST_PG_PORT:-5439}   (own cluster, role/db ocr, template db ocr_test)
#   SeaweedFS S3   127.0.0.1:${OCR_TEST_S3_PORT:-8333}   (master+volume+filer+S3 in one `weed server`)
#
# Usage: scripts/services.sh COMMAND [DIR]
#   install       apt-get install redis-server / postgresql when missing, build SeaweedFS
#   start [DIR]   start all three under DIR (idempotent; waits until each is ready)
#   stop  [DIR]   stop all three
#   status [DIR]  show what runs (exit 0 only when all three are up)
#   env   [DIR]   print `export` lines for the app and the tests:
#                 eval "$(scripts/services.sh env)"
#
# DIR defaults to $OCR_SERVICES_DIR, else <repo>/var/services.
# Other knobs: OCR_TEST_REDIS_PORT, OCR_TEST_PG_PORT, OCR_TEST_S3_PORT,
# OCR_TEST_SEAWEED_MASTER_PORT (9334), OCR_TEST_SEAWEED_VOLUME_PORT (8081),
# OCR_TEST_SEAWEED_FILER_PORT (8889) -- SeaweedFS also uses each port+10000
# for gRPC --, OCR_SERVICES_TIMEOUT (seconds to wait for each server, 90),
# OCR_CACHE_DIR (where build-seaweedfs.sh caches the weed binary).
set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_ROOT="$(cd "$SCRIPT_DIR/.." && pwd)"

REDIS_PORT="${OCR_TEST_REDIS_PORT:-6390}"
PG_PORT="${OCR_TEST_PG_PORT:-5439}"
S3_PORT="${OCR_TEST_S3_PORT:-8333}"
SW_MASTER_PORT="${OCR_TEST_SEAWEED_MASTER_PORT:-9334}"
SW_VOLUME_PORT="${OCR_TEST_SEAWEED_VOLUME_PORT:-8081}"
SW_FILER_PORT="${OCR_TEST_SEAWEED_FILER_PORT:-8889}"
WAIT_TIMEOUT="${OCR_SERVICES_TIMEOUT:-90}"

PG_VERSION=15
PG_BIN="/usr/lib/postgresql/$PG_VERSION/bin"
PG_USER=ocr
PG_PASSWORD=ocr
PG_DB=ocr
PG_TEMPLATE_DB=ocr_test

S3_ACCESS_KEY=ocrtest
S3_SECRET_KEY=ocrtest-secret-key
S3_BUCKET=ocr-test

HOST=127.0.0.1

die()  { echo "services: error: $*" >&2; exit 1; }
log()  { echo "services: $*" >&2; }

# ---------------------------------------------------------------------------
# helpers
# ---------------------------------------------------------------------------

as_root() {
    if [[ $EUID -eq 0 ]]; then
        "$@"
    elif command -v sudo >/dev/null 2>&1; then
        sudo -n "$@"
    else
        die "need root to run: $* (run as root or install sudo)"
    fi
}

# Run a PostgreSQL command as the OS user that owns the cluster. PostgreSQL
# refuses to run as root, so root runs it as `postgres`; anyone else runs it
# as themselves. Always from / so the user need not read the current dir.
as_pg() {
    if [[ $EUID -eq 0 ]]; then
        (cd / && runuser -u postgres -- "$@")
    else
        (cd / && "$@")
    fi
}

port_open() {  # port_open PORT -> 0 if something accepts TCP on 127.0.0.1:PORT
    (exec 3<>"/dev/tcp/$HOST/$1") 2>/dev/null
}

# pid_alive PIDFILE NAME -> prints pid and returns 0 if the pidfile names a
# live process whose command name is NAME (guards against stale pidfiles whose
# pid was reused by another program after a crash or reboot).
pid_alive() {
    local pidfile=$1 name=$2 pid comm state
    [[ -s "$pidfile" ]] || return 1
    pid="$(head -n1 "$pidfile" 2>/dev/null | tr -dc '0-9')"
    [[ -n "$pid" ]] || return 1
    [[ -r "/proc/$pid/comm" ]] || return 1
    comm="$(cat "/proc/$pid/comm" 2>/dev/null || true)"
    [[ "$comm" == "$name"* ]] || return 1
    # a killed process can linger as a zombie until its parent reaps it
    state="$(sed -n 's/^State:[[:space:]]*\([A-Za-z]\).*/\1/p' "/proc/$pid/status" 2>/dev/null || true)"
    [[ "$state" != Z && "$state" != X && -n "$state" ]] || return 1
    echo "$pid"
}

# stop_pid PIDFILE NAME LABEL: SIGTERM, wait up to 20 s, then SIGKILL.
stop_pid() {
    local pidfile=$1 name=$2 label=$3 pid i
    if ! pid="$(pid_alive "$pidfile" "$name")"; then
        rm -f "$pidfile"
        log "$label: not running"
        return 0
    fi
    kill -TERM "$pid" 2>/dev/null || true
    for ((i = 0; i < 200; i++)); do
        pid_alive "$pidfile" "$name" >/dev/null || break
        sleep 0.1
    done
    if pid_alive "$pidfile" "$name" >/dev/null; then
        log "$label: pid $pid did not stop in 20 s, sending SIGKILL"
        kill -KILL "$pid" 2>/dev/null || true
        sleep 0.5
    fi
    rm -f "$pidfile"
    log "$label: stopped (pid $pid)"
}

tail_log() {  # tail_log FILE: last lines of a log, for error messages
    local f=$1
    if [[ -r "$f" ]]; then
        echo "----- last 30 lines of $f -----" >&2
        tail -n 30 "$f" >&2 || true
        echo "-----" >&2
    else
        echo "(no log at $f)" >&2
    fi
}

now_ms() { date +%s%3N; }
secs_since() { local s=$1 e; e=$(now_ms); printf '%d.%01d' $(((e - s) / 1000)) $((((e - s) % 1000) / 100)); }

# await_running LABEL LOGFILE PID_FN CHECK_FN: for a server that already runs,
# wait until CHECK_FN succeeds (return 0) or the process goes away (return 1,
# the caller then starts a new one); exit 1 with the log tail on timeout.
await_running() {
    local label=$1 logfile=$2 pid_fn=$3 check_fn=$4
    local deadline=$((SECONDS + WAIT_TIMEOUT))
    while ! "$check_fn" >/dev/null 2>&1; do
        "$pid_fn" >/dev/null 2>&1 || return 1
        if ((SECONDS >= deadline)); then
            echo "services: error: $label runs but is not ready after ${WAIT_TIMEOUT}s" >&2
            tail_log "$logfile"
            exit 1
        fi
        sleep 0.2
    done
}

# wait_for LABEL LOGFILE PID_FN CHECK_FN: after starting a server, poll
# CHECK_FN every 0.2 s until it succeeds. Exit 1 with the log tail when the
# process is gone (PID_FN fails; after a 2 s grace for pidfiles written late)
# or when WAIT_TIMEOUT passes.
wait_for() {
    local label=$1 logfile=$2 pid_fn=$3 check_fn=$4
    local start=$SECONDS deadline=$((SECONDS + WAIT_TIMEOUT))
    while ! "$check_fn" >/dev/null 2>&1; do
        if ! "$pid_fn" >/dev/null 2>&1 && ((SECONDS - start >= 2)); then
            echo "services: error: $label exited during start-up" >&2
            tail_log "$logfile"
            exit 1
        fi
        if ((SECONDS >= deadline)); then
            echo "services: error: $label not ready after ${WAIT_TIMEOUT}s" >&2
            tail_log "$logfile"
            exit 1
        fi
        sleep 0.2
    done
}

resolve_dir() {
    local d="${1:-${OCR_SERVICES_DIR:-$REPO_ROOT/var/services}}"
    [[ "$d" != *[[:space:]]* ]] || die "services dir must not contain whitespace: '$d'"
    mkdir -p "$d"
    DIR="$(cd "$d" && pwd)"
    RUN_DIR="$DIR/run"
    LOG_DIR="$DIR/logs"
    REDIS_DIR="$DIR/redis"
    SW_DIR="$DIR/seaweed"
    REDIS_PIDFILE="$RUN_DIR/redis.pid"
    REDIS_LOG="$LOG_DIR/redis.log"
    SW_PIDFILE="$RUN_DIR/seaweedfs.pid"
    SW_LOG="$LOG_DIR/seaweedfs.log"
    SW_S3_CONFIG="$DIR/seaweed-s3.json"
    resolve_pg_dirs
}

# PostgreSQL runs as the `postgres` OS user (when we are root), which must be
# able to reach its data dir, socket dir and log. If DIR sits under a folder it
# cannot traverse (e.g. a clone in /root, mode 700), or DIR is too long for a
# unix socket path (107 bytes), the cluster lives in /var/lib/ocr-service/
# instead and DIR/pg is a symlink to it.
resolve_pg_dirs() {
    local base="$DIR" alt
    local probe_sock="$base/run/pg/.s.PGSQL.$PG_PORT.lock"
    local reachable=1
    if [[ $EUID -eq 0 ]] && id postgres >/dev/null 2>&1; then
        runuser -u postgres -- test -x "$DIR" 2>/dev/null || reachable=0
    fi
    if [[ $reachable -eq 0 || ${#probe_sock} -gt 100 ]]; then
        alt="/var/lib/ocr-service/pg-$(printf '%s' "$DIR" | md5sum | cut -c1-12)"
        base="$alt"
        PG_RELOCATED=1
    else
        PG_RELOCATED=0
    fi
    PG_BASE="$base"
    PGDATA_DIR="$base/pg"
    PG_SOCK_DIR="$base/run/pg"
    PG_LOG="$base/logs/postgres.log"
}

# ---------------------------------------------------------------------------
# install
# ---------------------------------------------------------------------------

cmd_install() {
    local pkgs=()
    command -v redis-server >/dev/null 2>&1 || pkgs+=(redis-server)
    command -v redis-cli >/dev/null 2>&1 || pkgs+=(redis-tools)
    [[ -x "$PG_BIN/initdb" && -x "$PG_BIN/pg_ctl" && -x "$PG_BIN/psql" ]] || pkgs+=(postgresql)
    if ((${#pkgs[@]})); then
        log "installing Debian packages: ${pkgs[*]}"
        as_root env DEBIAN_FRONTEND=noninteractive apt-get update -q </dev/null \
            || die "apt-get update failed"
        as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
            "${pkgs[@]}" </dev/null || die "apt-get install ${pkgs[*]} failed"
        [[ -x "$PG_BIN/initdb" ]] \
            || die "PostgreSQL $PG_VERSION not found at $PG_BIN after install (is this Debian 12?)"
    else
        log "redis-server and postgresql-$PG_VERSION already installed"
    fi
    bash "$SCRIPT_DIR/build-seaweedfs.sh"
}

require_installed() {
    if ! command -v redis-server >/dev/null 2>&1 || ! command -v redis-cli >/dev/null 2>&1; then
        die "redis-server not installed: run scripts/services.sh install"
    fi
    [[ -x "$PG_BIN/pg_ctl" ]] \
        || die "PostgreSQL $PG_VERSION not installed at $PG_BIN: run scripts/services.sh install"
    WEED="$(bash "$SCRIPT_DIR/build-seaweedfs.sh" --print-path)"
    [[ -x "$WEED" ]] || die "SeaweedFS not built at $WEED: run scripts/services.sh install"
    if [[ $EUID -eq 0 ]]; then
        id postgres >/dev/null 2>&1 || die "OS user 'postgres' missing: run scripts/services.sh install"
    fi
}

# ---------------------------------------------------------------------------
# Redis
# ---------------------------------------------------------------------------

redis_ready() { [[ "$(redis-cli -h "$HOST" -p "$REDIS_PORT" ping 2>/dev/null)" == PONG ]]; }
redis_pid() { pid_alive "$REDIS_PIDFILE" redis-server; }

start_redis() {
    local t0 pid
    if pid="$(redis_pid)" && await_running "Redis" "$REDIS_LOG" redis_pid redis_ready; then
        log "redis: already running (pid $pid) on $HOST:$REDIS_PORT"
        return 0
    fi
    rm -f "$REDIS_PIDFILE"
    port_open "$REDIS_PORT" && die "redis: port $HOST:$REDIS_PORT is already in use by another program (set OCR_TEST_REDIS_PORT)"
    mkdir -p "$REDIS_DIR" "$RUN_DIR" "$LOG_DIR"
    cat >"$REDIS_DIR/redis.conf" <<EOF
# generated by scripts/services.sh -- test instance, no persistence
bind $HOST
port $REDIS_PORT
protected-mode yes
daemonize yes
pidfile $REDIS_PIDFILE
logfile $REDIS_LOG
dir $REDIS_DIR
save ""
appendonly no
databases 16
EOF
    t0=$(now_ms)
    redis-server "$REDIS_DIR/redis.conf" </dev/null >/dev/null 2>>"$REDIS_LOG" \
        || { echo "services: error: redis-server failed to start" >&2; tail_log "$REDIS_LOG"; exit 1; }
    wait_for "Redis on $HOST:$REDIS_PORT" "$REDIS_LOG" redis_pid redis_ready
    log "redis: ready on $HOST:$REDIS_PORT in $(secs_since "$t0")s (pid $(cat "$REDIS_PIDFILE" 2>/dev/null || echo '?'))"
}

stop_redis() { stop_pid "$REDIS_PIDFILE" redis-server redis; }

# ---------------------------------------------------------------------------
# PostgreSQL
# ---------------------------------------------------------------------------

pg_ready() { "$PG_BIN/pg_isready" -q -h "$HOST" -p "$PG_PORT" -d postgres; }

pg_running_pid() {  # prints postmaster pid if our cluster's postmaster runs
    local pid
    pid="$(pid_alive "$PGDATA_DIR/postmaster.pid" postgres)" || return 1
    # make sure it is the postmaster of THIS data dir
    tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -qF -- "$PGDATA_DIR" || return 1
    echo "$pid"
}

pg_setup_dirs() {
    if [[ $PG_RELOCATED -eq 1 ]]; then
        log "postgres: $DIR is not usable by the postgres OS user; cluster lives in $PG_BASE (symlinked as $DIR/pg)"
        mkdir -p "$PG_BASE"
        chmod 755 /var/lib/ocr-service "$PG_BASE" 2>/dev/null || true
        if [[ ! -e "$DIR/pg" || -L "$DIR/pg" ]]; then
            ln -sfn "$PGDATA_DIR" "$DIR/pg"
        fi
    fi
    mkdir -p "$PG_BASE/run" "$PG_BASE/logs"
    mkdir -p "$PG_SOCK_DIR"
    touch "$PG_LOG"
    if [[ $EUID -eq 0 ]]; then
        # postgres must traverse DIR/run and DIR/logs (not list them)
        chmod 755 "$PG_BASE/run" "$PG_BASE/logs"
        chown postgres:postgres "$PG_SOCK_DIR" "$PG_LOG"
        if [[ -d "$PGDATA_DIR" ]]; then
            chown -R postgres:postgres "$PGDATA_DIR"
        fi
    fi
    chmod 700 "$PG_SOCK_DIR"
}

pg_initdb() {
    [[ -s "$PGDATA_DIR/PG_VERSION" ]] && return 0
    if [[ -d "$PGDATA_DIR" ]] && [[ -n "$(ls -A "$PGDATA_DIR" 2>/dev/null)" ]]; then
        die "postgres: $PGDATA_DIR is not empty but has no PG_VERSION; remove it to re-create the cluster"
    fi
    mkdir -p "$PGDATA_DIR"
    chmod 700 "$PGDATA_DIR"
    [[ $EUID -eq 0 ]] && chown postgres:postgres "$PGDATA_DIR"
    log "postgres: initdb $PGDATA_DIR"
    as_pg "$PG_BIN/initdb" -D "$PGDATA_DIR" -U postgres --encoding=UTF8 --locale=C.UTF-8 \
        --auth-local=trust --auth-host=scram-sha-256 >>"$PG_LOG" 2>&1 \
        || { echo "services: error: initdb failed" >&2; tail_log "$PG_LOG"; exit 1; }
}

pg_psql() {  # pg_psql [psql args...]: superuser session over the unix socket
    as_pg "$PG_BIN/psql" -X -q -v ON_ERROR_STOP=1 -h "$PG_SOCK_DIR" -p "$PG_PORT" -U postgres "$@"
}

pg_provision() {
    pg_psql -d postgres >/dev/null <<SQL
DO \$\$
BEGIN
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '$PG_USER') THEN
        CREATE ROLE $PG_USER LOGIN CREATEDB PASSWORD '$PG_PASSWORD';
    ELSE
        ALTER ROLE $PG_USER LOGIN CREATEDB PASSWORD '$PG_PASSWORD';
    END IF;
END
\$\$;
SELECT 'CREATE DATABASE $PG_DB OWNER $PG_USER'
    WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = '$PG_DB') \gexec
SELECT 'CREATE DATABASE $PG_TEMPLATE_DB OWNER $PG_USER'
    WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = '$PG_TEMPLATE_DB') \gexec
ALTER DATABASE $PG_TEMPLATE_DB IS_TEMPLATE true;
SQL
}

start_postgres() {
    local t0 pid
    pg_setup_dirs
    if pid="$(pg_running_pid)" && await_running "PostgreSQL" "$PG_LOG" pg_running_pid pg_ready; then
        pg_provision || die "postgres: could not create role/databases"
        log "postgres: already running (pid $pid) on $HOST:$PG_PORT"
        return 0
    fi
    port_open "$PG_PORT" && die "postgres: port $HOST:$PG_PORT is already in use by another program (set OCR_TEST_PG_PORT)"
    pg_initdb
    # A crash leaves postmaster.pid and the socket lock behind; postgres would
    # refuse to start if their pid now belongs to some other process.
    rm -f "$PGDATA_DIR/postmaster.pid" "$PG_SOCK_DIR"/.s.PGSQL.*
    t0=$(now_ms)
    # shellcheck disable=SC2094  # pg_ctl's own messages go to the server log too
    as_pg "$PG_BIN/pg_ctl" -D "$PGDATA_DIR" -l "$PG_LOG" -w -t "$WAIT_TIMEOUT" \
        -o "-c listen_addresses=$HOST -p $PG_PORT -k $PG_SOCK_DIR -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200 -c log_min_messages=warning" \
        start >/dev/null 2>>"$PG_LOG" \
        || { echo "services: error: PostgreSQL failed to start" >&2; tail_log "$PG_LOG"; exit 1; }
    wait_for "PostgreSQL on $HOST:$PG_PORT" "$PG_LOG" pg_running_pid pg_ready
    pg_provision || { echo "services: error: could not create role/databases" >&2; tail_log "$PG_LOG"; exit 1; }
    log "postgres: ready on $HOST:$PG_PORT in $(secs_since "$t0")s (pid $(pg_running_pid || echo '?'), data $PGDATA_DIR)"
}

stop_postgres() {
    local pid
    if ! pid="$(pg_running_pid)"; then
        log "postgres: not running"
        return 0
    fi
    as_pg "$PG_BIN/pg_ctl" -D "$PGDATA_DIR" -m fast -w -t 60 stop >/dev/null 2>>"$PG_LOG" \
        || { log "postgres: pg_ctl stop failed, sending SIGTERM"; kill -TERM "$pid" 2>/dev/null || true; }
    log "postgres: stopped (pid $pid)"
}

# ---------------------------------------------------------------------------
# SeaweedFS (master + volume + filer + S3 gateway in one process)
# ---------------------------------------------------------------------------

VENV_PY="$REPO_ROOT/.venv/bin/python"

sw_pid() { pid_alive "$SW_PIDFILE" weed; }

# Ready means: the S3 API authenticates our key, the bucket exists (created if
# missing) and a small object can be written, read and deleted -- the filer
# and a writable volume are up, not just the S3 listener.
s3_ready() {
    if [[ -x "$VENV_PY" ]] && "$VENV_PY" -c 'import minio' 2>/dev/null; then
        S3_ENDPOINT="$HOST:$S3_PORT" S3_BUCKET="$S3_BUCKET" \
        S3_ACCESS_KEY="$S3_ACCESS_KEY" S3_SECRET_KEY="$S3_SECRET_KEY" \
        timeout 30 "$VENV_PY" - <<'PY'
import io, os, sys
from minio import Minio
c = Minio(os.environ["S3_ENDPOINT"], access_key=os.environ["S3_ACCESS_KEY"],
          secret_key=os.environ["S3_SECRET_KEY"], secure=False)
b = os.environ["S3_BUCKET"]
c.list_buckets()
if not c.bucket_exists(b):
    c.make_bucket(b)
c.put_object(b, ".services-probe", io.BytesIO(b"ok"), 2)
r = c.get_object(b, ".services-probe")
try:
    assert r.read() == b"ok"
finally:
    r.close(); r.release_conn()
c.remove_object(b, ".services-probe")
PY
    else
        # No venv yet: an unauthenticated request must be answered by S3 (403).
        local code
        code="$(python3 -c "import urllib.request,urllib.error,sys
try:
    print(urllib.request.urlopen('http://$HOST:$S3_PORT/', timeout=5).status)
except urllib.error.HTTPError as e:
    print(e.code)" 2>/dev/null)" || return 1
        [[ "$code" == 403 || "$code" == 200 ]]
    fi
}

write_s3_config() {
    cat >"$SW_S3_CONFIG" <<EOF
{
  "identities": [
    {
      "name": "$S3_ACCESS_KEY",
      "credentials": [
        { "accessKey": "$S3_ACCESS_KEY", "secretKey": "$S3_SECRET_KEY" }
      ],
      "actions": ["Admin", "Read", "Write", "List", "Tagging"]
    }
  ]
}
EOF
    chmod 600 "$SW_S3_CONFIG"
}

start_seaweedfs() {
    local t0 pid p
    if pid="$(sw_pid)" && await_running "SeaweedFS S3" "$SW_LOG" sw_pid s3_ready; then
        log "seaweedfs: already running (pid $pid), S3 on $HOST:$S3_PORT"
        return 0
    fi
    rm -f "$SW_PIDFILE"
    for p in "$S3_PORT" "$SW_MASTER_PORT" "$SW_VOLUME_PORT" "$SW_FILER_PORT" \
             $((S3_PORT + 10000)) $((SW_MASTER_PORT + 10000)) $((SW_VOLUME_PORT + 10000)) $((SW_FILER_PORT + 10000)); do
        port_open "$p" && die "seaweedfs: port $HOST:$p is already in use by another program (see OCR_TEST_S3_PORT / OCR_TEST_SEAWEED_*_PORT)"
    done
    mkdir -p "$SW_DIR" "$RUN_DIR" "$LOG_DIR"
    write_s3_config
    t0=$(now_ms)
    # One process: master + volume + filer + S3 gateway, all bound to loopback.
    # Telemetry is off (no outside network), the Iceberg/Lance side listeners
    # are off, local sockets live under DIR rather than /tmp.
    (
        cd "$SW_DIR"
        exec nohup setsid "$WEED" server \
            -ip="$HOST" -ip.bind="$HOST" \
            -dir="$SW_DIR" \
            -master.port="$SW_MASTER_PORT" \
            -master.volumeSizeLimitMB=64 \
            -master.telemetry=false \
            -master.peers=none \
            -volume.port="$SW_VOLUME_PORT" \
            -volume.max=0 \
            -volume.preStopSeconds=0 \
            -filer -filer.port="$SW_FILER_PORT" \
            -filer.localSocket="$RUN_DIR/sw-filer.sock" \
            -s3 -s3.port="$S3_PORT" \
            -s3.config="$SW_S3_CONFIG" \
            -s3.port.iceberg=0 -s3.port.lance=0 \
            -s3.localSocket="$RUN_DIR/sw-s3.sock" \
            </dev/null >>"$SW_LOG" 2>&1
    ) &
    pid=$!
    echo "$pid" >"$SW_PIDFILE"
    wait_for "SeaweedFS S3 on $HOST:$S3_PORT" "$SW_LOG" sw_pid s3_ready
    log "seaweedfs: ready, S3 on $HOST:$S3_PORT (bucket $S3_BUCKET) in $(secs_since "$t0")s (pid $pid)"
}

stop_seaweedfs() { stop_pid "$SW_PIDFILE" weed seaweedfs; }

# ---------------------------------------------------------------------------
# commands
# ---------------------------------------------------------------------------

cmd_start() {
    resolve_dir "${1:-}"
    require_installed
    local t0; t0=$(now_ms)
    log "starting services under $DIR"
    start_redis
    start_postgres
    start_seaweedfs
    log "all services ready in $(secs_since "$t0")s; run: eval \"\$($0 env)\""
}

cmd_stop() {
    resolve_dir "${1:-}"
    stop_seaweedfs
    stop_postgres
    stop_redis
}

cmd_status() {
    resolve_dir "${1:-}"
    local pid rc=0
    if pid="$(pid_alive "$REDIS_PIDFILE" redis-server)" && redis_ready; then
        echo "redis:      running (pid $pid) on $HOST:$REDIS_PORT"
    else
        echo "redis:      stopped"; rc=3
    fi
    if pid="$(pg_running_pid)" && pg_ready; then
        echo "postgres:   running (pid $pid) on $HOST:$PG_PORT, data $PGDATA_DIR"
    else
        echo "postgres:   stopped"; rc=3
    fi
    if pid="$(pid_alive "$SW_PIDFILE" weed)" && port_open "$S3_PORT"; then
        echo "seaweedfs:  running (pid $pid), S3 on $HOST:$S3_PORT"
    else
        echo "seaweedfs:  stopped"; rc=3
    fi
    return $rc
}

cmd_env() {
    cat <<EOF
export OCR_DATABASE_URL=postgresql+psycopg://$PG_USER:$PG_PASSWORD@$HOST:$PG_PORT/$PG_DB
export OCR_REDIS_URL=redis://$HOST:$REDIS_PORT/0
export OCR_S3_ENDPOINT=$HOST:$S3_PORT
export OCR_S3_ACCESS_KEY=$S3_ACCESS_KEY
export OCR_S3_SECRET_KEY=$S3_SECRET_KEY
export OCR_S3_BUCKET=$S3_BUCKET
export OCR_S3_SECURE=false
EOF
}

usage() { sed -n '2,22p' "$0" | sed 's/^# \{0,1\}//'; }

main() {
    local cmd="${1:-}"
    [[ $# -gt 0 ]] && shift
    [[ $# -le 1 ]] || die "too many arguments (usage: $0 {install|start|stop|status|env} [DIR])"
    case "$cmd" in
        install) cmd_install ;;
        start) cmd_start "$@" ;;
        stop) cmd_stop "$@" ;;
        status) cmd_status "$@" ;;
        env) cmd_env "$@" ;;
        -h|--help|help) usage ;;
        "") usage >&2; exit 2 ;;
        *) die "unknown command '$cmd' (usage: $0 {install|start|stop|status|env} [DIR])" ;;
    esac
}

main "$@"
