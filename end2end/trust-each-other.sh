#!/usr/bin/env bash
# The browser tests' two platforms — 冀 (the suite's own, .tmp/e2e.db) and
# 京 (.tmp/bj/platform.db), for the roaming journey — each on the other's
# trust list: writes .tmp/hebei.toml and .tmp/beijing.toml, copies of the
# configuration files with the other's entry (`server peer-entry`, which
# makes each development signing key beside its database: 冀's Ed25519,
# 京's SM2, so the journey crosses both algorithms) appended.
# Usage: trust-each-other.sh SERVER HEBEI_ADDR BEIJING_ADDR
set -euo pipefail
server=$1
mkdir -p .tmp/bj
entry() { # DATABASE PROFILE ADDR ALGORITHM
  env PLATFORM_ENV=development DATABASE_URL="sqlite://$1" PLATFORM_PROFILE="$2" \
    "$server" peer-entry --base-url "http://$3" --key-algorithm "$4"
}
hebei=$(entry .tmp/e2e.db ../config/hebei.toml "$2" ed25519)
beijing=$(entry .tmp/bj/platform.db ../config/beijing.toml "$3" sm2)
printf '%s\n\n%s\n' "$(cat ../config/hebei.toml)" "$beijing" >.tmp/hebei.toml
printf '%s\n\n%s\n' "$(cat ../config/beijing.toml)" "$hebei" >.tmp/beijing.toml
