#!/usr/bin/env bash
# 9. A crawl shared in Redis (corolab-crawl --redis). Prints table rows.
#
#   bench/shared_crawl.sh BUILD_DIR [--smoke]      (BUILD_DIR: build/release)
#
# a. 1, 2 and 4 worker processes share one crawl of the demo site at 50 ms
#    latency (-c 8 --per-host 8 each: --per-host is per process), through
#    a redis-server of the script's own on a free loopback port: URLs per
#    second (a URL is one record: pages, redirects, 404s), the scaling
#    factor against 1 worker in the same run, and 1 worker next to a crawl
#    with no Redis at all.
# b. Redis round trips per URL: the scripts the workers ran (EVAL calls in
#    INFO commandstats) over the URLs; the client's few other commands (its
#    handshake, robots.txt's SET) are left out.
# d. What the whole crawl's results cost in Redis (1 worker's crawl): the
#    records list per URL, the links list per link (MEMORY USAGE ... SAMPLES 0:
#    every element counted). A page's links are one element: 8 bytes for the
#    page, 8 for each link.
# c. Bytes per URL of the dedup set: INFO memory's used_memory before and
#    after N URL hashes are added the way the commit script adds them
#    (crawler/src/redis_scripts.hpp: HSETNX of the hash's last 6 bytes into
#    one of 65,536 buckets named by its first 2).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/web.sh"
build=$1
pages=1000 hashes=1000000 concurrency=8 verdict=1
# --smoke: too few hashes to fill the buckets, so no verdict on the bytes either.
[[ "${2:-}" == "--smoke" ]] && pages=60 hashes=20000 verdict=0
site_tool=$build/crawler/demo_site/corolab-site
crawl_tool=$build/crawler/corolab-crawl

if ! command -v redis-server >/dev/null; then
  echo "shared_crawl: needs redis-server (Debian: apt-get install redis-server)" >&2
  exit 1
fi

work=$(mktemp -d)
# Stopped by their pids, never by name: the machine's own Redis is not ours.
trap 'kill "${site_pid:-}" "${redis_pid:-}" 2>/dev/null || true; rm -rf "$work"' EXIT

now() { date +%s.%N; }

redis_port=$(free_port)
redis-server --port "$redis_port" --bind 127.0.0.1 --save '' --appendonly no \
  --dir "$work" --logfile "$work/redis.log" &
redis_pid=$!
wait_for_port "$redis_port"
cli() { redis-cli -p "$redis_port" "$@" | tr -d '\r'; }

site_port=$(free_port)
"$site_tool" --port "$site_port" --pages "$pages" --latency-ms 50 >/dev/null &
site_pid=$!
wait_for_port "$site_port"

# eval_calls: how many scripts Redis has run so far.
eval_calls() {
  cli INFO commandstats |
    awk -F'[:=,]' '$1 == "cmdstat_eval" { calls = $3 } END { print calls + 0 }'
}

# crawl WORKERS: runs that many workers of one new shared crawl (WORKERS 0:
# one process, no Redis); prints "URLS SECONDS SCRIPTS".
crawl() {
  local workers=$1 id="bench-$1" start seconds urls scripts_before pid i
  local -a pids=() shared=()
  scripts_before=$(eval_calls)
  start=$(now)
  for i in $(seq "$((workers > 0 ? workers : 1))"); do
    ((workers > 0)) && shared=(--redis "redis://127.0.0.1:$redis_port/0" --crawl-id "$id")
    "$crawl_tool" "http://127.0.0.1:$site_port/" --quiet -c "$concurrency" \
      --per-host "$concurrency" --jitter 0 -o "$work/$id-$i.jsonl" \
      --journal "$work/$id-$i.journal" "${shared[@]}" 2>>"$work/workers.log" &
    pids+=($!)
  done
  for pid in "${pids[@]}"; do
    if ! wait "$pid"; then
      echo "shared_crawl: a worker failed; its output is in $work/workers.log" >&2
      cat "$work/workers.log" >&2
      return 1
    fi
  done
  seconds=$(awk -v a="$start" -v b="$(now)" 'BEGIN { print b - a }')
  urls=$(cat "$work/$id"-*.jsonl | wc -l)
  echo "$urls $seconds $(($(eval_calls) - scripts_before))"
}

# --- a. and b.: 1, 2 and 4 workers --------------------------------------------
result=$(crawl 0)  # (an assignment, so that a failure stops the script)
read -r local_urls local_seconds _ <<<"$result"
urls=() seconds=() scripts=()
for n in 1 2 4; do
  result=$(crawl "$n")
  read -r "urls[$n]" "seconds[$n]" "scripts[$n]" <<<"$result"
  if ((urls[n] != local_urls)); then
    echo "shared_crawl: $n workers recorded ${urls[n]} URLs, one process $local_urls" >&2
    exit 1
  fi
done
rate() { awk -v n="$1" -v s="$2" 'BEGIN { print n / s }'; }
rate_row "shared crawl, $local_urls URLs at 50 ms, 1 worker vs no Redis (-c $concurrency each)" \
  "URLs/s" "$(rate "${urls[1]}" "${seconds[1]}")" "$(rate "$local_urls" "$local_seconds")" 0
for n in 2 4; do
  rate_row "shared crawl, $local_urls URLs at 50 ms, $n workers vs 1 (scaling; ideal ${n}x)" \
    "URLs/s" "$(rate "${urls[n]}" "${seconds[n]}")" "$(rate "${urls[1]}" "${seconds[1]}")" 0
done
awk -v u="$local_urls" -v a="${scripts[1]}" -v b="${scripts[2]}" -v c="${scripts[4]}" 'BEGIN {
  printf "| Redis round trips (scripts) per URL, 1 / 2 / 4 workers "
  printf "| %.2f / %.2f / %.2f | - | - | - | - |\n", a / u, b / u, c / u
}'

# --- d. the whole crawl's results in Redis ---------------------------------------
count_links='
local links = 0
for _, page in ipairs(redis.call("LRANGE", KEYS[1], 0, -1)) do links = links + #page / 8 - 1 end
return links'
links=$(cli EVAL "$count_links" 1 corolab:bench-1:links)
records_bytes=$(cli MEMORY USAGE corolab:bench-1:records SAMPLES 0)
links_bytes=$(cli MEMORY USAGE corolab:bench-1:links SAMPLES 0)
awk -v u="${urls[1]}" -v l="$links" -v r="$records_bytes" -v k="$links_bytes" 'BEGIN {
  printf "| whole-crawl results in Redis, %d URLs, %d links: records / links ", u, l
  printf "| %.0f B/URL / %.1f B/link | - | - | - | - |\n", r / u, k / l
}'

# --- c. bytes per URL of the dedup set ------------------------------------------
# A batch of hashes per EVAL (math.random is seeded per script: ARGV[3] makes
# each batch's hashes its own), so that no one script holds Redis for long.
add_hashes='
math.randomseed(tonumber(ARGV[3]))
local added = 0
for i = 1, tonumber(ARGV[2]) do
  local h = string.char(math.random(0, 255), math.random(0, 255), math.random(0, 255),
                        math.random(0, 255), math.random(0, 255), math.random(0, 255),
                        math.random(0, 255), math.random(0, 255))
  local bucket = ARGV[1] .. "seen:" .. string.format("%02x%02x", h:byte(1, 2))
  added = added + redis.call("HSETNX", bucket, h:sub(3), "")
end
return added'
used_memory() { cli INFO memory | awk -F: '$1 == "used_memory" { print $2 }'; }
cli FLUSHALL >/dev/null
before=$(used_memory)
batch=100000
((batch > hashes)) && batch=$hashes
added=0
for ((seed = 1; seed <= hashes / batch; seed++)); do
  added=$((added + $(cli EVAL "$add_hashes" 0 "corolab:dedup:" "$batch" "$seed")))
done
after=$(used_memory)
awk -v n="$added" -v a="$before" -v b="$after" -v verdict="$verdict" 'BEGIN {
  bytes = (b - a) / n
  met = verdict ? (bytes <= 40 ? "yes" : "NO") : "-"
  printf "| dedup set in Redis, %d URL hashes (INFO used_memory) ", n
  printf "| %.1f B/URL | - | - | <= 40 B | %s |\n", bytes, met
}'
