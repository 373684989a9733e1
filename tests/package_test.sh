#!/usr/bin/env bash
# The Debian package, as a sysadmin receives it: builds it with cpack from this build folder,
# unpacks it with dpkg-deb into a temporary root, and checks there what `apt install ./…deb`
# would put in place: the layout, a stripped binary, conffiles, the postinst's signing key, the
# config loading with that key, `nginx -t` on the site, `systemd-analyze verify` on the units,
# and no lintian errors. Registered with ctest by the top-level CMakeLists.txt (Release build).
#
# usage: package_test.sh BUILD_DIR SOURCE_DIR
set -euo pipefail
build=$1
source=$2
version=$(sed -n 's/^set(CPACK_PACKAGE_VERSION "\(.*\)")$/\1/p' "$build/CPackConfig.cmake")
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
failures=0
fail() {
  echo "FAIL: $*" >&2
  failures=$((failures + 1))
}

echo "== cpack"
(cd "$build" && cpack -G DEB -B "$tmp/out" >"$tmp/cpack.log" 2>&1) || {
  cat "$tmp/cpack.log" >&2
  exit 1
}
deb="$tmp/out/voiceverify_${version}_amd64.deb"
[ -f "$deb" ] || { ls "$tmp/out" >&2; echo "FAIL: no $deb" >&2; exit 1; }

echo "== control"
depends=$(dpkg-deb -f "$deb" Depends)
for lib in libfcgi0ldbl libcurl4 libjsoncpp25 libctemplate3 libhiredis0.14 libsystemd0 libssl3; do
  [[ $depends == *"$lib"* ]] || fail "Depends lacks $lib: $depends"
done
dpkg-deb -e "$deb" "$tmp/control"
for f in /etc/voiceverify/voiceverify.conf /etc/nginx/sites-available/voiceverify \
         /etc/nginx/snippets/voiceverify-locations.conf; do
  grep -qx "$f" "$tmp/control/conffiles" || fail "$f is not a conffile"
done
grep -q -E 'signing.key|store.key' "$tmp/control/conffiles" && fail "the keys must not be conffiles"
grep -q oidc- "$tmp/control/conffiles" && fail "the OIDC keys and clients must not be conffiles"
[ -x "$tmp/control/postinst" ] || fail "no executable postinst"

echo "== layout"
root="$tmp/root"
dpkg-deb -x "$deb" "$root"
for f in usr/bin/voiceverify \
         usr/share/voiceverify/templates/layout.tpl usr/share/voiceverify/templates/messages.en.txt \
         usr/share/voiceverify/templates/messages.nl.txt \
         usr/share/voiceverify/static/style.css usr/share/voiceverify/static/502.html \
         usr/lib/systemd/system/voiceverify.service usr/lib/systemd/system/voiceverify.socket \
         etc/nginx/sites-available/voiceverify etc/nginx/snippets/voiceverify-locations.conf \
         etc/voiceverify/voiceverify.conf \
         usr/share/doc/voiceverify/operations.md \
         usr/share/doc/voiceverify/copyright usr/share/doc/voiceverify/changelog.gz; do
  [ -f "$root/$f" ] || fail "missing /$f"
done
# Installed, not enabled: nothing in sites-enabled, no unit linked into a target.
[ -e "$root/etc/nginx/sites-enabled" ] && fail "the site is enabled by the package"
[ -e "$root/etc/systemd" ] && fail "the package enables a unit"
[ "$(stat -c %a "$root/etc/voiceverify/voiceverify.conf")" = 600 ] ||
  fail "voiceverify.conf is not mode 0600"
readelf -S "$root/usr/bin/voiceverify" | grep -q -E '\.symtab|\.debug_' &&
  fail "the binary is not stripped"
[ -e "$root/etc/voiceverify/signing.key" ] && fail "the package ships a signing key"
[ -e "$root/etc/voiceverify/store.key" ] && fail "the package ships a store key"

echo "== postinst"
DPKG_ROOT="$root" sh "$tmp/control/postinst" configure
key="$root/etc/voiceverify/signing.key"
[ "$(stat -c %a "$key" 2>/dev/null)" = 600 ] || fail "signing.key missing or not mode 0600"
grep -qxE '[0-9a-f]{64}' "$key" || fail "signing.key is not 64 hex digits"
before=$(sha256sum <"$key")
store="$root/etc/voiceverify/store.key"
[ "$(stat -c %a "$store" 2>/dev/null)" = 600 ] || fail "store.key missing or not mode 0600"
grep -qxE '[0-9a-f]{64}' "$store" || fail "store.key is not 64 hex digits"
cmp -s "$key" "$store" && fail "store.key is the signing key"
store_before=$(sha256sum <"$store")
oidc_files="oidc-signing.pem oidc-subject.key oidc-clients"
for f in $oidc_files; do
  [ "$(stat -c %a "$root/etc/voiceverify/$f" 2>/dev/null)" = 600 ] || fail "$f missing or not mode 0600"
done
pem="$root/etc/voiceverify/oidc-signing.pem"
[ "$(grep -c -- '-----BEGIN' "$pem")" = 2 ] || fail "oidc-signing.pem does not hold two keys"
grep -qxE '[0-9a-f]{64}' "$root/etc/voiceverify/oidc-subject.key" ||
  fail "oidc-subject.key is not 64 hex digits"
oidc_before=$(cd "$root/etc/voiceverify" && cat $oidc_files | sha256sum)
DPKG_ROOT="$root" sh "$tmp/control/postinst" configure
[ "$before" = "$(sha256sum <"$key")" ] || fail "a second configure replaced the signing key"
[ "$store_before" = "$(sha256sum <"$store")" ] || fail "a second configure replaced the store key"
# An upgrade from a version without store.key: the store key is the secret that version derived
# from the signing key (guard::store_key_secret), so the store keeps its meaning. Checked for a
# key of the postinst's shape, one of another alphabet, and one longer than HMAC's block.
for old_key in "$(od -An -N32 -tx1 /dev/urandom | tr -d ' \n')" "$(openssl rand -base64 48)" \
  "$(openssl rand -hex 40)"; do
  old="$tmp/upgrade"
  rm -rf "$old" && mkdir -p "$old/etc/voiceverify"
  (umask 077 && printf '%s\n' "$old_key" >"$old/etc/voiceverify/signing.key")
  DPKG_ROOT="$old" sh "$tmp/control/postinst" configure
  derived=$(printf %s 'voiceverify store keys v1' | openssl dgst -sha256 -hmac "$old_key" | sed 's/^.*= //')
  [ "$(cat "$old/etc/voiceverify/store.key")" = "$derived" ] ||
    fail "an upgrade's store.key is not the secret derived from the old signing key"
done
[ "$oidc_before" = "$(cd "$root/etc/voiceverify" && cat $oidc_files | sha256sum)" ] ||
  fail "a second configure replaced an OIDC key or the client file"

echo "== the config as installed, with the postinst's key"
if ! MESSAGEBIRD_ACCESS_KEY=live_packagetest TEMPLATES_DIR="$root/usr/share/voiceverify/templates" \
  "$root/usr/bin/voiceverify" --config "$root/etc/voiceverify/voiceverify.conf" --check-config \
  >"$tmp/check.log" 2>&1; then
  cat "$tmp/check.log" >&2
  fail "--check-config refuses the installed config"
fi
grep -q -f "$key" "$tmp/check.log" && fail "--check-config printed the signing key"
grep -q -f "$store" "$tmp/check.log" && fail "--check-config printed the store key"
# OpenID Connect switched on with the postinst's files: both keys and the secret are accepted.
if ! MESSAGEBIRD_ACCESS_KEY=live_packagetest TEMPLATES_DIR="$root/usr/share/voiceverify/templates" \
  OIDC_ISSUER=https://verify.example OIDC_CLIENTS=oidc-clients \
  OIDC_SIGNING_KEY_FILE=oidc-signing.pem OIDC_SUBJECT_KEY_FILE=oidc-subject.key \
  "$root/usr/bin/voiceverify" --config "$root/etc/voiceverify/voiceverify.conf" --check-config \
  >"$tmp/check-oidc.log" 2>&1; then
  cat "$tmp/check-oidc.log" >&2
  fail "--check-config refuses the postinst's OIDC files"
fi

echo "== systemd-analyze verify"
analyze=$(systemd-analyze verify "$root/usr/lib/systemd/system/voiceverify.socket" \
  "$root/usr/lib/systemd/system/voiceverify.service" 2>&1 |
  grep -v 'Command /usr/bin/voiceverify is not executable' || true)
[ -z "$analyze" ] || fail "systemd-analyze verify: $analyze"

echo "== nginx -t on the installed site"
# The site as installed, with what this machine cannot give it rewritten: ports (80 and 443 may
# be taken), the certificate (made here), its snippets (here, not in /etc/nginx), the pool's
# socket and the log files.
openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=localhost \
  -keyout "$tmp/key.pem" -out "$tmp/cert.pem" 2>/dev/null
sed -E \
  -e '/listen[[:space:]]+\[::\]/d' \
  -e 's/listen[[:space:]]+443[^;]*;/listen 127.0.0.1:18443 ssl;/' \
  -e 's/listen[[:space:]]+80[^;]*;/listen 127.0.0.1:18080;/' \
  -e "s#(ssl_certificate|ssl_trusted_certificate)[[:space:]]+[^;]+;#\1 $tmp/cert.pem;#" \
  -e "s#ssl_certificate_key[[:space:]]+[^;]+;#ssl_certificate_key $tmp/key.pem;#" \
  -e "s#include[[:space:]]+snippets/#include $root/etc/nginx/snippets/#" \
  -e "s#unix:/run/voiceverify/voiceverify.sock#unix:$tmp/pool.sock#" \
  -e "s#(access_log|error_log)[[:space:]]+/var/log/nginx/[^ ;]+#\1 $tmp/nginx.log#" \
  -e "s#root[[:space:]]+/usr/share/voiceverify;#root $root/usr/share/voiceverify;#" \
  "$root/etc/nginx/sites-available/voiceverify" >"$tmp/site.conf"
# The snippets include each other by the same relative path.
sed -i -E "s#include[[:space:]]+snippets/#include $root/etc/nginx/snippets/#" \
  "$root"/etc/nginx/snippets/*.conf
cat >"$tmp/nginx.conf" <<NGINX
pid $tmp/nginx.pid;
error_log $tmp/nginx.log;
events {}
http {
  include /etc/nginx/mime.types;
  include $tmp/site.conf;
}
NGINX
nginx -t -q -p "$tmp" -c "$tmp/nginx.conf" >"$tmp/nginx-t.log" 2>&1 || {
  cat "$tmp/nginx-t.log" >&2
  fail "nginx -t refuses the installed site"
}

echo "== hardening"
# dpkg-buildflags' hardening=+all, as Debian's hardening-check (devscripts) reads it: PIE, full
# RELRO, the stack protector and fortified functions. readelf suffices; hardening-check, where
# installed, says the same.
bin="$root/usr/bin/voiceverify"
readelf -hW "$bin" | grep -q -E 'Type:[[:space:]]+DYN' || fail "the binary is not PIE"
readelf -lW "$bin" | grep -q GNU_RELRO || fail "the binary has no RELRO segment"
readelf -dW "$bin" | grep -q -E 'BIND_NOW|FLAGS_1.*NOW' || fail "the binary's RELRO is partial (no BIND_NOW)"
# Read once: grep -q ending a pipe early would fail it under pipefail.
dyn_syms=$(readelf --dyn-syms -W "$bin")
grep -q '__stack_chk_fail' <<<"$dyn_syms" ||
  fail "the binary is built without -fstack-protector-strong"
[ "$(grep -E '__[a-z0-9_]+_chk(@|$| )' <<<"$dyn_syms" | grep -vc __stack_chk_fail)" -gt 0 ] ||
  fail "the binary calls no fortified function (_FORTIFY_SOURCE)"
if command -v hardening-check >/dev/null; then
  hardening-check --quiet "$bin" || fail "hardening-check: $(hardening-check "$bin" 2>&1 | tr '\n' ' ')"
fi

echo "== lintian"
lintian "$deb" >"$tmp/lintian.log" 2>&1 || true
cat "$tmp/lintian.log"
grep -q '^E:' "$tmp/lintian.log" && fail "lintian reports errors"
grep -q 'hardening-' "$tmp/lintian.log" && fail "lintian reports missing hardening"

if [ "$failures" -ne 0 ]; then
  echo "package_test: $failures failure(s)" >&2
  exit 1
fi
echo "package_test: voiceverify_${version}_amd64.deb passed"
