#!/usr/bin/env bash
# 7. HTTP hello world: corolab's HTTP server (bench_http_hello: one thread,
# one loop) next to nginx with one worker process, both on loopback, both
# under the same `wrk -t1 -c50`. Prints one table row (ratio = corolab / nginx).
#
#   bench/http_vs_nginx.sh BENCH_DIR [--smoke]     (BENCH_DIR: build/release/bench)
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/web.sh"
bench_dir=$1
connections=50 seconds=5 runs=3
[[ "${2:-}" == "--smoke" ]] && connections=4 seconds=1 runs=1

work=$(mktemp -d)
chmod 755 "$work"  # nginx's worker runs as another user (nobody)
trap 'stop_nginx; kill "${hello_pid:-}" 2>/dev/null || true; rm -rf "$work"' EXIT

# The best of a few runs each (the least disturbed by other load), the two
# servers taking turns.
best_corolab=0 best_nginx=0
for run in $(seq "$runs"); do
  port=$(free_port)
  "$bench_dir/bench_http_hello" "$port" >/dev/null &
  hello_pid=$!
  wait_for_port "$port"
  rate=$(wrk_rate "http://127.0.0.1:$port/" "$connections" "$seconds")
  kill "$hello_pid"; wait "$hello_pid" || true
  best_corolab=$(higher "$best_corolab" "$rate")

  port=$(free_port)
  start_nginx "$work/nginx" "$port"
  rate=$(wrk_rate "http://127.0.0.1:$port/" "$connections" "$seconds")
  stop_nginx
  best_nginx=$(higher "$best_nginx" "$rate")
done
rate_row "HTTP hello world vs nginx (1 worker), wrk -t1 -c$connections" "req/s" \
  "$best_corolab" "$best_nginx" 0.95
