#!/usr/bin/env bash
# 8. The crawler against the raw-fetch ceiling. Prints table rows.
#
#   bench/crawl_vs_curl.sh BUILD_DIR [--smoke]      (BUILD_DIR: build/release)
#
# a. The demo site written to files (corolab-site --write-to) and served by
#    nginx, so the server is not what is measured: corolab-crawl at
#    concurrency 64 next to `curl --parallel --parallel-max 64` fetching the
#    same URL list (the crawl's, paths.txt), in pages per second.
# b. The demo site itself with 50 ms latency: the crawl at concurrency 64
#    next to what `wrk -c64` gets from the same server (its ceiling: 64
#    requests in flight, 50 ms each, is 1,280 per second).
# c. A 100,000-page site served by nginx: CPU time per page and peak memory,
#    the crawler's next to curl's for the same URL list (GNU time).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/web.sh"
build=$1
pages=2000 slow_pages=5000 big_pages=100000 runs=3 wrk_seconds=5
[[ "${2:-}" == "--smoke" ]] && pages=100 slow_pages=100 big_pages=300 runs=1 wrk_seconds=1
site_tool=$build/crawler/demo_site/corolab-site
crawl_tool=$build/crawler/corolab-crawl

work=$(mktemp -d)
chmod 755 "$work"  # nginx's worker runs as another user (nobody), and must read the site
trap 'stop_nginx; kill "${site_pid:-}" 2>/dev/null || true; rm -rf "$work"' EXIT

now() { date +%s.%N; }

# crawl PORT: pages per second of a crawl at concurrency 64 (its CPU time
# and peak memory are left in $work/time).
crawl() {
  local start pages_done seconds
  start=$(now)
  /usr/bin/time -f "%U %S %M" -o "$work/time" \
    "$crawl_tool" "http://127.0.0.1:$1/" -c 64 --per-host 64 --max-tries 1 -q \
    -o "$work/crawl.jsonl" --journal "$work/crawl.journal"
  seconds=$(awk -v a="$start" -v b="$(now)" 'BEGIN { print b - a }')
  pages_done=$(grep -c '"status":200' "$work/crawl.jsonl" || true)  # pages fetched, as curl's
  if ! grep -q '"status":200' "$work/crawl.jsonl"; then
    echo "crawl_vs_curl: the crawl fetched no page; its records are in $work/crawl.jsonl" >&2
    return 1
  fi
  awk -v n="$pages_done" -v s="$seconds" 'BEGIN { print n / s }'
}

# fetch_all PORT SITE_DIR: pages per second of curl fetching paths.txt (its
# CPU time and peak memory are left in $work/time).
fetch_all() {
  local start seconds count
  sed "s|^|url = \"http://127.0.0.1:$1|; s|\$|\"\noutput = \"/dev/null\"|" "$2/paths.txt" \
    >"$work/curl.config"
  count=$(wc -l <"$2/paths.txt")
  start=$(now)
  /usr/bin/time -f "%U %S %M" -o "$work/time" \
    curl --silent --no-progress-meter --fail --parallel --parallel-max 64 \
    --config "$work/curl.config"
  seconds=$(awk -v a="$start" -v b="$(now)" 'BEGIN { print b - a }')
  awk -v n="$count" -v s="$seconds" 'BEGIN { print n / s }'
}

# --- a. a site on disk, served by nginx ---------------------------------------
port=$(free_port)
"$site_tool" --write-to "$work/site" --port "$port" --pages "$pages" >/dev/null
start_nginx "$work/nginx" "$port" "$work/site"
best_crawl=0 best_curl=0
for run in $(seq "$runs"); do
  rate=$(fetch_all "$port" "$work/site")  # (a plain assignment, so that a failure stops the script)
  best_curl=$(higher "$best_curl" "$rate")
  rate=$(crawl "$port")
  best_crawl=$(higher "$best_crawl" "$rate")
done
stop_nginx
rate_row "crawl $pages pages from nginx vs curl --parallel-max 64, same URLs" "pages/s" \
  "$best_crawl" "$best_curl" 0.5

# --- b. the demo site with 50 ms latency ----------------------------------------
port=$(free_port)
"$site_tool" --port "$port" --pages "$slow_pages" --latency-ms 50 >/dev/null &
site_pid=$!
wait_for_port "$port"
ceiling=$(wrk_rate "http://127.0.0.1:$port/" 64 "$wrk_seconds")
rate=$(crawl "$port")
kill "$site_pid"; wait "$site_pid" || true
rate_row "crawl $slow_pages pages at 50 ms latency vs wrk -c64, same server" "pages/s" \
  "$rate" "$ceiling" 0.95

# --- c. CPU and memory for a big site ---------------------------------------------
port=$(free_port)
"$site_tool" --write-to "$work/big" --port "$port" --pages "$big_pages" >/dev/null
start_nginx "$work/nginx" "$port" "$work/big"
count=$(wc -l <"$work/big/paths.txt")
fetch_all "$port" "$work/big" >/dev/null
read -r curl_user curl_system curl_kib <"$work/time"
crawl "$port" >/dev/null
read -r crawl_user crawl_system crawl_kib <"$work/time"
stop_nginx
awk -v n="$count" -v cu="$crawl_user" -v cs="$crawl_system" -v ck="$crawl_kib" \
    -v fu="$curl_user" -v fs="$curl_system" -v fk="$curl_kib" -v pages="$big_pages" 'BEGIN {
  mine = (cu + cs) * 1e6 / n; other = (fu + fs) * 1e6 / n
  printf "| CPU per page, %d-page site (crawler: fetch, parse, record; curl: fetch) ", pages
  printf "| %.4g us | %.4g us | %.2fx | - | - |\n", mine, other, other / mine
  printf "| peak memory, %d-page site | %.4g MiB | %.4g MiB | %.2fx | - | - |\n",
         pages, ck / 1024, fk / 1024, fk / ck
}'
