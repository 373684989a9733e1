# shellcheck shell=bash disable=SC2154
# (SC2154: $url, $sim_url, $tmp come from scripts/simulate-pumping, which sources this.)
# The scenarios of scripts/simulate-pumping about known people (docs/fraud-guard.md, "Known
# people"), each against a site of its own that simulate-pumping starts (so that the simulator's
# codes can be read and every run starts from empty windows):
#   four-networks   a victim's number rung from four networks (two IPv4 /24s, two IPv6 /48s),
#                   ten tries each, then the victim asks from a fifth network and from the
#                   browser that verified the number before
#   strangers-hour  known people verify; strangers from a hundred IPv6 /48s fill the site-wide
#                   hour with fresh numbers; then the known people and some new people arrive
# Each prints the calls placed, the people served and the ranges wrongly quarantined.

# A browser: its cookie jar is $tmp/jar-<name>. `as NAME ADDRESS` sets who the next steps are.
who=""
from=""
as() {
  who=$1
  from=$2
}

# GET a path as the current browser; prints the body.
page() {
  curl -fsS -c "$tmp/jar-$who" -b "$tmp/jar-$who" -H "X-Forwarded-For: $from" "$url$1"
}

# POST the form field(s) to a path with the page's CSRF token; prints the redirect's target.
post() {
  local path=$1 form=$2 token
  shift 2
  token=$(sed -n 's/.*name="csrf_token" value="\([^"]*\)".*/\1/p' <<<"$form" | head -1)
  curl -sS -o /dev/null -w '%{redirect_url}' -c "$tmp/jar-$who" -b "$tmp/jar-$who" \
    -H "X-Forwarded-For: $from" --data-urlencode "csrf_token=$token" "$@" "$url$path"
}

# Asks for a call to NUMBER as the current browser; prints "placed" or the banner instead.
ask() {
  local location
  location=$(post / "$(page /)" --data-urlencode "number=$1")
  case $location in
    */EnterCode/*) echo placed ;;
    "") echo "no redirect" ;;
    *) page "${location#"$url"}" | sed -n 's/.*role="alert">\([^<]*\)<.*/\1/p' | head -1 ;;
  esac
}

# Asks for a call to NUMBER and types the code heard: "verified" or what happened instead.
verify() {
  local number=$1 location code
  location=$(post / "$(page /)" --data-urlencode "number=$number")
  case $location in */EnterCode/*) ;; *) echo "not called"; return ;; esac
  code=$(curl -fsS "$sim_url/_sim/last-code?recipient=${number#+}")
  location=$(post "${location#"$url"}" "$(page "${location#"$url"}")" --data-urlencode "token=$code")
  case $location in */success) echo verified ;; *) echo "not verified" ;; esac
}

# The quarantine banner's words (templates/messages.en.txt, number.blocked).
blocked_banner="We cannot call numbers like this one right now"

scenario_four_networks() {
  local victim=+31650001234 placed=0 served=0 asked=0 wrongly=0 fate net i address
  as owner 192.0.2.10
  echo "the victim verifies $victim from their own browser: $(verify $victim)"
  for net in 198.51.100. 198.51.101. 2001:db8:1: 2001:db8:2:; do
    for ((i = 1; i <= 10; i++)); do
      if [[ $net == *: ]]; then address=$net$i::1; else address=$net$i; fi
      as "attacker-$net$i" "$address"
      fate=$(ask $victim)
      [ "$fate" = placed ] && placed=$((placed + 1))
    done
    echo "after ${net}* : $placed calls placed to the victim's number"
  done
  for person in "new-device 2001:db8:5::30" "owner 198.51.100.200"; do
    # shellcheck disable=SC2086  # a name and an address
    as $person
    asked=$((asked + 1))
    fate=$(ask $victim)
    echo "the victim asks as ${person% *} from ${person#* }: $fate"
    [ "$fate" = placed ] && served=$((served + 1))
    [[ $fate == "$blocked_banner"* ]] && wrongly=$((wrongly + 1))
  done
  echo
  echo "calls placed by the attacker:  $placed"
  echo "people served (the victim):    $served of $asked"
  echo "ranges wrongly quarantined:    $wrongly"
}

scenario_strangers_hour() {
  local known=10 strangers=100 newcomers=5 placed=0 served=0 new_served=0 wrongly=0 fate i
  for ((i = 1; i <= known; i++)); do
    as "known-$i" "192.0.2.$i"
    [ "$(verify "+3165000$(printf '%04d' "$i")")" = verified ] || echo "known person $i: not verified"
  done
  echo "$known known people verified their numbers"
  for ((i = 1; i <= strangers; i++)); do
    # A fresh /48 and a fresh number each: no window of an address, a network or a number fills.
    as "stranger-$i" "2001:db8:$((1000 + i))::1"
    fate=$(ask "+3161234$(printf '%04d' "$i")")
    [ "$fate" = placed ] && placed=$((placed + 1))
  done
  echo "strangers had $placed calls placed; then the known people and $newcomers new people arrive"
  for ((i = 1; i <= known; i++)); do
    as "known-$i" "203.0.113.$i"
    fate=$(ask "+3165000$(printf '%04d' "$i")")
    [ "$fate" = placed ] && served=$((served + 1))
    [[ $fate == "$blocked_banner"* ]] && wrongly=$((wrongly + 1))
  done
  for ((i = 1; i <= newcomers; i++)); do
    as "new-$i" "198.51.100.$i"
    fate=$(ask "+3165100$(printf '%04d' "$i")")
    [ "$fate" = placed ] && new_served=$((new_served + 1))
    [[ $fate == "$blocked_banner"* ]] && wrongly=$((wrongly + 1))
    [ "$i" -gt 1 ] || echo "a new person sees: $fate"
  done
  echo
  echo "calls placed for strangers:    $placed"
  echo "people served (known):         $served of $known"
  echo "people served (new):           $new_served of $newcomers"
  echo "ranges wrongly quarantined:    $wrongly"
}
