#!/usr/bin/env bash
# bash bench/with-sockets.sh bench/<script>.ts [options]: runs a benchmark that opens thousands of
# sockets (npm run bench:relay, bench:kill). Node cannot raise its own file-descriptor limit:
# 5,000 sockets need more than the usual 1,024, so the soft limit goes up to 65,536, or to the
# hard limit when that is lower.
set -euo pipefail
ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)"
cd "$(dirname "$0")/.."
exec node --import tsx "$@"
