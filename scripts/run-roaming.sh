#!/usr/bin/env bash
# The two-platform demo (`make run-roaming`): 冀 (config/hebei.toml) on
# http://127.0.0.1:3000 and 京 (config/beijing.toml) on
# http://127.0.0.1:3001, each with its own SQLite database, configuration
# file, session cookie and signing key, each on the other's trust list, both
# in development mode with demo data. 京 loads as visitors (漫游用户) people
# of the 冀 demo with business in 京, read from the summary 冀 writes.
#
# Everything lives in target/roaming-demo/: the databases start afresh on
# every run (the signing keys stay, in hebei/ and beijing/signing-keys/);
# each server logs to its own file there. Ctrl-C stops both.
#
# SERVER names the binary (default ./target/release/server, as `make run`
# builds it); HEBEI_ADDR and BEIJING_ADDR the addresses.

set -euo pipefail
cd "$(dirname "$0")/.."

SERVER=${SERVER:-./target/release/server}
HEBEI_ADDR=${HEBEI_ADDR:-127.0.0.1:3000}
BEIJING_ADDR=${BEIJING_ADDR:-127.0.0.1:3001}
DIR=target/roaming-demo
SUMMARY=$DIR/hebei-demo.json

if [ ! -x "$SERVER" ]; then
  echo "no server binary at $SERVER (make build-release builds it)" >&2
  exit 1
fi

for addr in "$HEBEI_ADDR" "$BEIJING_ADDR"; do
  if curl -s -o /dev/null --max-time 2 "http://$addr/"; then
    echo "something already answers on $addr: stop it first (make run uses 127.0.0.1:3000)" >&2
    exit 1
  fi
done

mkdir -p "$DIR/hebei" "$DIR/beijing"
rm -f "$DIR"/hebei/platform.db* "$DIR"/beijing/platform.db* "$SUMMARY" "$DIR/beijing-demo.json"

# Settings both servers share; each adds its own database and file.
common=(PLATFORM_ENV=development DEMO_DATA=1 LEPTOS_SITE_ROOT="${LEPTOS_SITE_ROOT:-target/site}")

# One platform's settings: NAME (its folder) and ADDR.
platform_env() {
  echo "DATABASE_URL=sqlite://$DIR/$1/platform.db" "PLATFORM_PROFILE=$DIR/$1.toml" "PLATFORM_ADDR=$2"
}

# Each platform's trust-list entry (making its signing key on the first
# run: 冀's Ed25519, 京's SM2 over SM3), appended to a copy of the other's
# configuration file.
entry() { # NAME FILE ADDR ALGORITHM
  env PLATFORM_ENV=development DATABASE_URL="sqlite://$DIR/$1/platform.db" \
    PLATFORM_PROFILE="$2" "$SERVER" peer-entry --base-url "http://$3" --key-algorithm "$4"
}
hebei_entry=$(entry hebei config/hebei.toml "$HEBEI_ADDR" ed25519)
beijing_entry=$(entry beijing config/beijing.toml "$BEIJING_ADDR" sm2)
printf '%s\n\n%s\n' "$(cat config/hebei.toml)" "$beijing_entry" >"$DIR/hebei.toml"
printf '%s\n\n%s\n' "$(cat config/beijing.toml)" "$hebei_entry" >"$DIR/beijing.toml"

pids=()
stop() {
  trap - INT TERM EXIT
  if [ ${#pids[@]} -gt 0 ]; then
    echo
    echo "stopping both platforms"
    kill -TERM "${pids[@]}" 2>/dev/null || true
    wait "${pids[@]}" 2>/dev/null || true
  fi
}
trap stop EXIT
trap 'exit 130' INT TERM

# Waits until ADDR answers its key document, while PID lives; else shows
# the end of LOG and fails.
wait_for() { # NAME PID ADDR LOG
  for _ in $(seq 1 900); do
    if ! kill -0 "$2" 2>/dev/null; then
      echo "the $1 platform stopped; the end of $4:" >&2
      tail -n 20 "$4" >&2
      exit 1
    fi
    if curl -fsS -o /dev/null "http://$3/.well-known/platform-keys.json" 2>/dev/null; then
      return 0
    fi
    sleep 1
  done
  echo "the $1 platform did not answer on $3 within 15 minutes (see $4)" >&2
  exit 1
}

echo "starting 冀 on http://$HEBEI_ADDR (loading the demo registry takes a while; log: $DIR/hebei.log)"
# shellcheck disable=SC2046
env "${common[@]}" $(platform_env hebei "$HEBEI_ADDR") DEMO_SUMMARY_JSON="$SUMMARY" \
  "$SERVER" >"$DIR/hebei.log" 2>&1 &
pids+=($!)
wait_for 冀 "${pids[0]}" "$HEBEI_ADDR" "$DIR/hebei.log"

echo "starting 京 on http://$BEIJING_ADDR (log: $DIR/beijing.log)"
# shellcheck disable=SC2046
env "${common[@]}" $(platform_env beijing "$BEIJING_ADDR") DEMO_VISITORS_JSON="$SUMMARY" \
  DEMO_SUMMARY_JSON="$DIR/beijing-demo.json" "$SERVER" >"$DIR/beijing.log" 2>&1 &
pids+=($!)
wait_for 京 "${pids[1]}" "$BEIJING_ADDR" "$DIR/beijing.log"

cat <<EOF

two platforms, each on the other's trust list (development mode, demo data):
  冀  河北省  http://$HEBEI_ADDR   (configuration: $DIR/hebei.toml)
  京  北京市  http://$BEIJING_ADDR   (configuration: $DIR/beijing.toml)
the 冀 demo logins are at the top of $DIR/hebei.log (as \`make run\` prints them);
the 京 staff logins in $DIR/beijing.log. Every demo password is Demo@2026.
EOF
sed -n '/^visitors (/,/^$/p' "$DIR/beijing.log"
echo "Ctrl-C stops both."
# When either stops, the other is stopped too (the EXIT trap).
status=0
wait -n "${pids[@]}" || status=$?
echo "a platform stopped (exit status $status); see its log in $DIR" >&2
exit "$status"
