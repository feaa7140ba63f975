# Shared by the web benchmarks (http_vs_nginx.sh, crawl_vs_curl.sh): a free
# port, an nginx of our own on loopback, and wrk's figure. Sourced, not run.

# A port nothing on loopback listens on (bash's /dev/tcp: a refused connect),
# below the kernel's range of ephemeral ports: the benchmarks' own client
# connections take ports from that range, and one of them still holding a
# port makes a later bind to it fail ("Address already in use").
free_port() {
  local port first_ephemeral
  first_ephemeral=$(cut -f1 /proc/sys/net/ipv4/ip_local_port_range 2>/dev/null || echo 32768)
  while true; do
    port=$((10000 + RANDOM % (first_ephemeral - 10000)))
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
      echo "$port"
      return
    fi
  done
}

# wait_for_port PORT: until something accepts connections there (5 s at most).
wait_for_port() {
  local tries
  for tries in $(seq 50); do
    (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0
    sleep 0.1
  done
  echo "nothing listens on port $1" >&2
  return 1
}

# start_nginx DIR PORT [ROOT]: one worker process on 127.0.0.1:PORT, its files
# in DIR. With ROOT it serves that folder (the demo site as written by
# `corolab-site --write-to`: a query "/tags?x" is the file tags/x); without,
# it answers "Hello, world!" to everything. Sets NGINX_PID.
start_nginx() {
  local dir=$1 port=$2 root=${3:-}
  mkdir -p "$dir/tmp"
  local site="location / { default_type text/plain; return 200 \"Hello, world!\\n\"; }"
  [[ -n "$root" ]] && site="root $root; location = /tags { try_files /tags/\$args =404; }"
  cat >"$dir/nginx.conf" <<CONF
worker_processes 1;
daemon off;
error_log $dir/error.log;
pid $dir/nginx.pid;
events { worker_connections 4096; }
http {
  access_log off;
  include /etc/nginx/mime.types;
  default_type text/html;
  keepalive_requests 1000000;
  client_body_temp_path $dir/tmp;
  proxy_temp_path $dir/tmp;
  fastcgi_temp_path $dir/tmp;
  uwsgi_temp_path $dir/tmp;
  scgi_temp_path $dir/tmp;
  server {
    listen 127.0.0.1:$port;
    $site
  }
}
CONF
  nginx -p "$dir" -c "$dir/nginx.conf" &
  NGINX_PID=$!
  wait_for_port "$port"
}

stop_nginx() {
  [[ -n "${NGINX_PID:-}" ]] || return 0
  kill "$NGINX_PID" 2>/dev/null || true
  wait "$NGINX_PID" 2>/dev/null || true
}

# higher A B: the larger of two figures (the best of several rates).
higher() { awk -v a="$1" -v b="$2" 'BEGIN { print (b > a ? b : a) }'; }

# wrk_rate URL CONNECTIONS SECONDS: requests per second, one wrk thread.
wrk_rate() {
  wrk -t1 -c"$2" -d"$3"s "$1" | awk '/^Requests\/sec:/ { print $2 }'
}

# rate_row NAME UNIT COROLAB OTHER MIN_RATIO: a table row, ratio = corolab / other.
rate_row() {
  awk -v name="$1" -v unit="$2" -v mine="$3" -v other="$4" -v min="$5" 'BEGIN {
    ratio = mine / other
    met = min > 0 ? (ratio >= min ? "yes" : "NO") : "-"
    target = min > 0 ? ">= " min "x" : "-"
    printf "| %s | %.4g %s | %.4g %s | %.2fx | %s | %s |\n",
           name, mine, unit, other, unit, ratio, target, met
  }'
}
