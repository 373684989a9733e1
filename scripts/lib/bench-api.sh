# shellcheck shell=bash disable=SC2154
# (SC2154: $rundir, $port, $seconds, $label, ... and the helpers come from scripts/bench.)
# Sourced by scripts/bench: the verification API scenario (docs/api.md).
#
#   api. One client marked api (--add-client --api), simulator latency SIM_LATENCY_MS:
#   a. starts: API_CONNECTIONS (256) kept-alive connections POST /api/v1/verifications
#      (scripts/lib/api-requests.lua start): calls placed per second by the simulator's count,
#      against the latency bound (connections / latency), as the calls scenario for the pages;
#   b. checks the pool answers itself (api-requests.lua check, wrk -t2 -c64): a code of the
#      wrong form on a real verification: client authentication, the record's lookup, 422
#      invalid-code; per second, and against nginx serving the static copy of GET /.

api_conns=${API_CONNECTIONS:-256}

scenario_api() {
  echo "api. verification API, simulator latency ${latency} ms, ${seconds}s a phase"
  if ! pool_knows OIDC_ISSUER "http://127.0.0.1:$port"; then
    out "(this pool has no API)" ""
    return 0
  fi
  oidc_setup || { echo "--add-client failed" >&2; exit 1; }
  local made client secret o=$rundir/out/$label-api first ticks load id
  made=$(env "${oidc_env[@]}" MESSAGEBIRD_ACCESS_KEY=probe SIGNING_KEY="$(printf '%040d' 0)" \
    "$POOL_BIN" --add-client "Bench API" --api)
  client=$(sed -n 's/^client_id: //p' <<<"$made")
  secret=$(sed -n 's/^client_secret: //p' <<<"$made")
  if [ -z "$client" ] || [ -z "$secret" ]; then
    echo "--add-client --api failed" >&2
    exit 1
  fi
  site_up "${oidc_env[@]}"
  [ -s "$rundir/static-copy/index.html" ] ||
    curl -fs "http://127.0.0.1:$port/" >"$rundir/static-copy/index.html"

  ticks=$(pool_ticks)
  wrk -t4 -c"$api_conns" -d$((seconds + 3))s --timeout 60s --latency \
    -s "$top/scripts/lib/api-requests.lua" "http://127.0.0.1:$port/" -- \
    start "$client" "$secret" "$numbers" >"$o-starts.txt" &
  load=$!
  sleep 2
  first=$(sim_creates)
  sleep "$seconds"
  record api_starts "$(calc %.1f "($(sim_creates) - $first) / $seconds")"
  wait "$load"
  local start_cpu
  start_cpu=$(pool_cpu "$ticks" $((seconds + 3)))

  id=$(curl -fs -u "$client:$secret" -H 'Content-Type: application/json' \
    -d '{"phone_number":"+31610009999"}' "http://127.0.0.1:$port/api/v1/verifications" |
    sed -n 's/.*"id":"\([0-9a-z]*\)".*/\1/p')
  [ -n "$id" ] || { echo "api: no verification to check" >&2; exit 1; }
  ticks=$(pool_ticks)
  wrk -t2 -c64 -d"${seconds}s" --latency -s "$top/scripts/lib/api-requests.lua" \
    "http://127.0.0.1:$port/" -- check "$client" "$secret" "$id" >"$o-checks.txt"
  local check_cpu
  check_cpu=$(pool_cpu "$ticks" "$seconds")
  wrk -t2 -c64 -d"${seconds}s" "http://127.0.0.1:$static_port/" >"$o-static.txt"
  record api_checks "$(wrk_rps "$o-checks.txt")"
  record api_static "$(wrk_rps "$o-static.txt")"

  out "API starts/s, $api_conns connections (simulator)" \
    "${result[$label:api_starts]}  (latency bound $(calc %.0f "$api_conns * 1000 / $latency"); pool CPU ${start_cpu}%) $(grep '^answers other' "$o-starts.txt")"
  [ -z "${result[$label:calls_rate]:-}" ] ||
    out "  (calls scenario above, pages)" "${result[$label:calls_rate]}"
  out "  p99 (ms)" "$(wrk_p99 "$o-starts.txt")"
  out "API checks/s (422 invalid-code, wrk -t2 -c64)" \
    "${result[$label:api_checks]}  (pool CPU ${check_cpu}%) $(grep '^answers other' "$o-checks.txt")"
  out "  p99 (ms)" "$(wrk_p99 "$o-checks.txt")"
  out "static GET / req/s (nginx)" "${result[$label:api_static]}"
  out "ratio API checks/static" "$(calc %.3f "${result[$label:api_checks]} / ${result[$label:api_static]}")"
}
