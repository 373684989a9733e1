# shellcheck shell=bash disable=SC2154
# (SC2154: $rundir, $port, $seconds, $label, ... and the helpers come from scripts/bench.)
# Sourced by scripts/bench: the OpenID Connect scenario (docs/development.md, "Benchmarks").
#
#   oidc. OIDC_BROWSERS (64) browsers, simulator latency SIM_LATENCY_MS, one registered
#   confidential client:
#   a. plain call starts (scripts/lib/start-calls.lua, one browser a connection): calls placed
#      per second by the simulator's count, the figure of the calls scenario at this concurrency;
#   b. complete authorizations per second (scripts/lib/oidc-browsers.py flow): authorize, the
#      phone form, the number, the code page, the spoken code, the redirect to the client with a
#      code, POST /token answered 200 with an id_token;
#   c. real redemptions: the same browsers keep their codes for OIDC_KEEP_SECONDS (20, under the
#      codes' 60 s life), then as many application connections redeem them all at once
#      (oidc-browsers.py redeem): POST /token per second, each a 200 with a signed ID token;
#   d. token refusals (scripts/lib/token-refusals.lua, wrk -t2 -c64): the client's right secret,
#      a well-formed code never issued: client authentication (PBKDF2), the store's lookup, 400
#      invalid_grant; per second, and against nginx serving the static copy of GET /.

oidc_browsers=${OIDC_BROWSERS:-64}
oidc_keep=${OIDC_KEEP_SECONDS:-20}
oidc_redirect=http://127.0.0.1:9/cb  # a loopback redirect URI: nothing needs to answer on it

# The pool's CPU time so far, in clock ticks (utime + stime of /proc/PID/stat).
pool_ticks() { awk '{print $14 + $15}' "/proc/$pool_pid/stat"; }
# pool_cpu TICKS_BEFORE SECONDS: the pool's CPU since then, in percent of one core.
pool_cpu() { calc %.0f "100 * ($(pool_ticks) - $1) / $(getconf CLK_TCK) / $2"; }

# Keys and one confidential client under $rundir/oidc, made with $POOL_BIN --add-client; sets
# oidc_env (the pool's keys), oidc_client and oidc_secret.
oidc_setup() {
  local dir=$rundir/oidc made
  rm -rf "$dir"
  mkdir -p "$dir"
  # One file, two keys, as scripts/run makes it (docs/oidc.md, "Keys").
  (umask 077 && openssl ecparam -name prime256v1 -genkey -noout -out "$dir/signing.pem" &&
    openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 2>/dev/null >>"$dir/signing.pem" &&
    head -c 48 /dev/urandom | base64 | tr -d '\n/+=' >"$dir/subject.key")
  : >"$dir/clients"
  oidc_env=(OIDC_ISSUER="http://127.0.0.1:$port" OIDC_CLIENTS="$dir/clients"
    OIDC_SIGNING_KEY_FILE="$dir/signing.pem" OIDC_SUBJECT_KEY_FILE="$dir/subject.key")
  # The command checks the whole configuration: a placeholder access key and signing key do.
  made=$(env "${oidc_env[@]}" MESSAGEBIRD_ACCESS_KEY=probe SIGNING_KEY="$(printf '%040d' 0)" \
    "$POOL_BIN" --add-client "Bench Shop" --redirect-uri "$oidc_redirect")
  oidc_client=$(sed -n 's/^client_id: //p' <<<"$made")
  oidc_secret=$(sed -n 's/^client_secret: //p' <<<"$made")
  [ -n "$oidc_client" ] && [ -n "$oidc_secret" ]
}

oidc_driver() {  # oidc_driver MODE SECONDS OUT
  python3 "$top/scripts/lib/oidc-browsers.py" "$1" "http://127.0.0.1:$port" "$SIM_URL" \
    "$oidc_client" "$oidc_secret" "$oidc_redirect" "$oidc_browsers" "$2" >"$3"
}
driver_field() { awk -v k="$1" '$1 == k {print $2}' "$2"; }
driver_rest() { sed -n "s/^$1 //p" "$2"; }

scenario_oidc() {
  echo "oidc. OpenID Connect, simulator latency ${latency} ms, $oidc_browsers browsers, ${seconds}s a phase"
  if ! pool_knows OIDC_ISSUER "http://127.0.0.1:$port"; then
    out "(this pool has no OpenID Connect)" ""
    return 0
  fi
  oidc_setup || { echo "--add-client failed" >&2; exit 1; }
  site_up "${oidc_env[@]}"
  [ -s "$rundir/static-copy/index.html" ] ||
    curl -fs "http://127.0.0.1:$port/" >"$rundir/static-copy/index.html"
  local o=$rundir/out/$label-oidc first ticks load

  starts "$oidc_browsers" $((seconds + 3)) "$o-starts.txt" &
  load=$!
  sleep 2
  first=$(sim_creates)
  sleep "$seconds"
  record oidc_starts "$(calc %.1f "($(sim_creates) - $first) / $seconds")"
  wait "$load"

  ticks=$(pool_ticks)
  oidc_driver flow "$seconds" "$o-flow.txt"
  local authz_rate
  authz_rate=$(awk '$1 == "authorizations" {print $4}' "$o-flow.txt")
  record oidc_authz_rate "$authz_rate"
  local flow_pool_cpu
  flow_pool_cpu=$(pool_cpu "$ticks" $((seconds + 2)))

  oidc_driver redeem "$oidc_keep" "$o-redeem.txt"
  local redeem_rate
  redeem_rate=$(awk '$1 == "redemptions" {print $6}' "$o-redeem.txt")
  record oidc_redeem_rate "$redeem_rate"

  ticks=$(pool_ticks)
  wrk -t2 -c64 -d"${seconds}s" --latency -s "$top/scripts/lib/token-refusals.lua" \
    "http://127.0.0.1:$port/" -- "$oidc_client" "$oidc_secret" "$oidc_redirect" >"$o-refusals.txt"
  local refusal_pool_cpu
  refusal_pool_cpu=$(pool_cpu "$ticks" "$seconds")
  wrk -t2 -c64 -d"${seconds}s" "http://127.0.0.1:$static_port/" >"$o-static.txt"
  record oidc_refusal_rate "$(wrk_rps "$o-refusals.txt")"
  record oidc_static "$(wrk_rps "$o-static.txt")"

  # What the latency alone allows: a start waits for one call to MessageBird, an authorization
  # for two (the call, then the check of the code).
  out "plain call starts/s, $oidc_browsers browsers (simulator)" \
    "${result[$label:oidc_starts]}  (latency bound $(calc %.0f "$oidc_browsers * 1000 / $latency"))"
  [ -z "${result[$label:calls_rate]:-}" ] ||
    out "  (calls scenario above, $call_conns browsers)" "${result[$label:calls_rate]}"
  out "complete authorizations/s, $oidc_browsers browsers" \
    "$authz_rate  (latency bound $(calc %.0f "$oidc_browsers * 1000 / (2 * $latency)"); $(driver_field authorizations "$o-flow.txt") in ${seconds}s; pool CPU ${flow_pool_cpu}%, driver CPU $(driver_field driver_cpu "$o-flow.txt")% of a core)"
  out "  failed attempts" "$(driver_rest failures "$o-flow.txt")"
  out "token: real redemptions/s (200 + ID token)" \
    "$redeem_rate  ($(awk '$1 == "redemptions" {print $4 " of " $2 " codes in " $8}' "$o-redeem.txt"), $oidc_browsers connections; driver CPU $(driver_field driver_cpu "$o-redeem.txt")%)"
  out "  failed attempts" "$(driver_rest failures "$o-redeem.txt")"
  out "token: refusals/s (right secret, unknown code)" \
    "${result[$label:oidc_refusal_rate]}  (400 invalid_grant after PBKDF2 + store lookup; wrk -t2 -c64; pool CPU ${refusal_pool_cpu}%) $(grep '^answers other' "$o-refusals.txt")"
  out "  p99 (ms)" "$(wrk_p99 "$o-refusals.txt")"
  out "static GET / req/s (nginx)" "${result[$label:oidc_static]}"
  out "ratio token refusals/static" "$(calc %.3f "${result[$label:oidc_refusal_rate]} / ${result[$label:oidc_static]}")"
  out "ratio token redemptions/static" "$(calc %.3f "$redeem_rate / ${result[$label:oidc_static]}")"
}
