# shellcheck shell=bash disable=SC2154,SC2034
# (SC2154: $top, $rundir, $port come from the sourcing script; SC2034: it reads what this sets.)
# Sourced by scripts/run and scripts/bench: starts the simulator (unless MESSAGEBIRD_ACCESS_KEY
# is set), the worker pool and nginx from build/release, with everything under $rundir.
# Needs: $top, $rundir, $port. Optional: $POOL_BIN (another voiceverify binary), $SIM_ARGS,
# $BUILD_DIR (the build whose programs and error pages run, default build/release),
# $REDIS=sentinel (a local Redis primary, replica and three sentinels: start_redis_sentinel).
# Sets: $pids (to stop), $pool_pid, $SIM_URL (when it started the simulator), $mode (what the
# calls go to).

# Sets FREE_PORT to a loopback port nothing answers on (bash's /dev/tcp: no python needed on a
# bare machine). Not called in $(...): a subshell would not advance this shell's RANDOM, and
# every call would try the same ports again.
free_port() {
  while :; do
    # Below the ephemeral range (32768-): no outgoing connection can take it between here and
    # bind. Below the test harness's 20000-32000 too (tests/support/harness.cpp), so the browser
    # suite, which starts its site with this, can run beside an integration suite.
    FREE_PORT=$((10000 + RANDOM % 8000))
    (exec 3<>"/dev/tcp/127.0.0.1/$FREE_PORT") 2>/dev/null || return 0
  done
}

# Exports every key of scripts/lib/no-limits.env: the one list of the pool's limits switched off.
lift_limits() {
  local line
  while IFS= read -r line; do
    case $line in '' | '#'*) continue ;; esac
    export "${line?}"
  done <"$top/scripts/lib/no-limits.env"
}

# Waits until a Redis (or sentinel) answers PING on 127.0.0.1:$1; false after 5 s.
redis_answers() {
  local _
  for _ in $(seq 100); do
    [ "$(redis-cli -p "$1" ping 2>/dev/null)" = PONG ] && return 0
    sleep 0.05
  done
  return 1
}

# REDIS=sentinel: a Redis primary, its replica and three sentinels on loopback (docs/redis.md),
# their data and logs under $rundir/redis, and REDIS_URL pointing the pool at the sentinels.
# Sets $redis_primary_pid (kill -9 it to watch a failover) and the ports it used. Its processes
# go in $redis_pids, not $pids: scripts/run stops when one of $pids exits, and a killed primary
# is the point of the exercise.
start_redis_sentinel() {
  local dir=$rundir/redis port i list=
  rm -rf "$dir"
  mkdir -p "$dir"
  free_port
  redis_primary_port=$FREE_PORT
  redis-server --port "$redis_primary_port" --bind 127.0.0.1 --dir "$dir" \
    --dbfilename primary.rdb --logfile "$dir/primary.log" &
  redis_primary_pid=$!
  redis_pids+=("$redis_primary_pid")
  redis_answers "$redis_primary_port" || { echo "redis primary did not start" >&2; return 1; }
  free_port
  redis_replica_port=$FREE_PORT
  redis-server --port "$redis_replica_port" --bind 127.0.0.1 --dir "$dir" \
    --dbfilename replica.rdb --logfile "$dir/replica.log" \
    --replicaof 127.0.0.1 "$redis_primary_port" &
  redis_pids+=($!)
  redis_answers "$redis_replica_port" || { echo "redis replica did not start" >&2; return 1; }
  redis_sentinel_ports=()
  for i in 1 2 3; do
    free_port
    port=$FREE_PORT
    cat >"$dir/sentinel-$i.conf" <<CONF
port $port
bind 127.0.0.1
dir $dir
logfile $dir/sentinel-$i.log
sentinel monitor mymaster 127.0.0.1 $redis_primary_port 2
sentinel down-after-milliseconds mymaster 2000
sentinel failover-timeout mymaster 10000
sentinel parallel-syncs mymaster 1
CONF
    redis-server "$dir/sentinel-$i.conf" --sentinel &
    redis_pids+=($!)
    redis_answers "$port" || { echo "sentinel $i did not start" >&2; return 1; }
    redis_sentinel_ports+=("$port")
    list=$list${list:+,}127.0.0.1:$port
  done
  export REDIS_URL=redis+sentinel://$list/mymaster
}

pids=()
redis_pids=()
pool_pid=
stop_site() {
  for pid in "${pids[@]}" "${redis_pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  pids=()
  redis_pids=()
}

# True when the config file (VOICEVERIFY_CONFIG) sets KEY to something: the environment would
# override it, so the scripts must not export their own value then.
config_sets() {
  [ -n "${VOICEVERIFY_CONFIG:-}" ] && grep -Eq "^[[:space:]]*$1[[:space:]]*=[[:space:]]*[^[:space:]#]" \
    "$VOICEVERIFY_CONFIG"
}

start_site() {
  mkdir -p "$rundir"
  chmod 755 "$top/build" "$rundir"
  # The signing key is made once and kept (mode 600) so cookies survive a restart.
  local keyfile=$rundir/signing.key
  if [ ! -s "$keyfile" ]; then
    (umask 077 && head -c 48 /dev/urandom | base64 | tr -d '\n/+=' >"$keyfile")
  fi
  if ! config_sets SIGNING_KEY; then
    SIGNING_KEY=${SIGNING_KEY:-$(cat "$keyfile")}
    export SIGNING_KEY
  fi

  if [ -z "${MESSAGEBIRD_ACCESS_KEY:-}" ] && ! config_sets MESSAGEBIRD_ACCESS_KEY; then
    local sim_port sim_pid attempt _
    SIM_ACCESS_KEY=$(head -c 24 /dev/urandom | base64 | tr -d '\n/+=')
    export SIM_ACCESS_KEY
    # A port found free can still be taken before the simulator binds it (CI saw one such run):
    # the simulator then exits at once, and another port is tried.
    for attempt in 1 2 3 4 5; do
      free_port
      sim_port=$FREE_PORT
      # shellcheck disable=SC2086  # SIM_ARGS is a list of arguments
      "${BUILD_DIR:-$top/build/release}/messagebird-sim" --listen "127.0.0.1:$sim_port" ${SIM_ARGS:-} \
        ${SIM_SPEAK_DIR:+--speak-dir "$SIM_SPEAK_DIR"} &
      sim_pid=$!
      # Its own control route answers, not whatever else took the port.
      for _ in $(seq 100); do
        kill -0 "$sim_pid" 2>/dev/null || break
        curl -fs "http://127.0.0.1:$sim_port/_sim/stats" 2>/dev/null | grep -q '"creates"' && break
        sleep 0.05
      done
      kill -0 "$sim_pid" 2>/dev/null && break
      wait "$sim_pid" 2>/dev/null || true
      echo "the simulator could not listen on port $sim_port (try $attempt of 5)" >&2
    done
    pids+=("$sim_pid")
    export MESSAGEBIRD_ACCESS_KEY=$SIM_ACCESS_KEY
    export MESSAGEBIRD_ENDPOINT=http://127.0.0.1:$sim_port
    SIM_URL=http://127.0.0.1:$sim_port
    mode="the local MessageBird simulator: the spoken code appears in this terminal"
    [ -z "${SIM_SPEAK_DIR:-}" ] || mode="$mode,
  and each call's sentence is spoken (espeak-ng) to a WAV file in $SIM_SPEAK_DIR"
  else
    mode="MessageBird at ${MESSAGEBIRD_ENDPOINT:-the configured endpoint}: real calls"
  fi
  unset SIM_ACCESS_KEY

  if [ "${REDIS:-}" = sentinel ]; then
    start_redis_sentinel
  elif [ -n "${REDIS:-}" ]; then
    echo "REDIS=$REDIS: only REDIS=sentinel is known" >&2
    return 1
  fi

  # A unix socket, as in production: over TCP any local process could talk FastCGI to the pool
  # and claim any client address.
  local socket=$rundir/pool.sock
  export LISTEN=unix:$socket
  export TEMPLATES_DIR=${TEMPLATES_DIR:-$top/templates}
  # A socket left by the previous pool would pass the wait below, and get the group, before the
  # new pool replaces it.
  rm -f "$socket"
  "${POOL_BIN:-${BUILD_DIR:-$top/build/release}/voiceverify}" ${VOICEVERIFY_CONFIG:+--config "$VOICEVERIFY_CONFIG"} &
  pool_pid=$!
  pids+=("$pool_pid")
  local _
  for _ in $(seq 100); do [ -S "$socket" ] && break; sleep 0.05; done
  # The socket is 0660. nginx started by root runs its workers as nobody: give them its group.
  if [ "$(id -u)" -eq 0 ]; then chgrp "$(id -gn nobody)" "$socket"; fi

  "$top/scripts/lib/make-nginx-conf" "$rundir" "$port" "unix:$socket" "${THREADS:-16}" \
    "${BUILD_DIR:-$top/build/release}"
  [ -z "${EXTRA_NGINX_SERVER:-}" ] || {
    # One more server block inside http { } (the benchmark's static copy).
    head -n -1 "$rundir/nginx.conf" >"$rundir/nginx.conf.tmp"
    printf '%s\n}\n' "$EXTRA_NGINX_SERVER" >>"$rundir/nginx.conf.tmp"
    mv "$rundir/nginx.conf.tmp" "$rundir/nginx.conf"
  }
  nginx -p "$rundir" -c "$rundir/nginx.conf" &
  pids+=($!)

  for _ in $(seq 150); do
    curl -fs -o /dev/null "http://127.0.0.1:$port/" && return 0
    sleep 0.1
  done
  echo "the site did not come up on port $port" >&2
  return 1
}
