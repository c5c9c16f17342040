#!/usr/bin/env bash
# Search on a mid-range phone at scale: what one query downloads of the search index and
# how long the first result takes to appear, in headless Chromium with the CPU slowed 4×,
# on a generated site of N articles (default 100,000): once over the local connection (the
# issue's profile: CPU throttling only) and once more over an emulated "slow 4G" network
# (150 ms round trips, 1.6 Mbit/s), where each of the index's chained requests costs a
# round trip.
#
#   bash benches/search_phone.sh [N]
#
# Generates the site with gen_corpus (seed SEED, default 42) under WORK (default
# /dev/shm/evident-search-phone, deleted afterwards unless KEEP=1, and reused by the next
# run; about 20 KB an article), builds it with this tree's release binary (or EVIDENT=path), prints the index's
# size and file counts, serves public/ with Python's static server on 127.0.0.1, and
# drives Debian's chromium through chromedriver (benches/search_phone.js, no npm packages)
# over the queries of benches/search_phone_queries.txt: each on a fresh load of the search
# page with the browser cache off, typed into the search box and submitted with Enter.
# Per query: index bytes fetched (Resource Timing: body and transfer size; and gzip size,
# which a static host serving compressed JSON would send), milliseconds from the submit
# to the first result on screen and to the first page's last row, and where the time went
# (when the index files were in, when the rows were asked for and were in). The summary
# line is what BENCHMARKS.md records.
#
# SERVER=python (the default) serves with Python's `http.server`: HTTP/1.0, one TCP
# connection per file, which is what the earlier runs measured. SERVER=nginx serves the same
# folder with nginx (Debian: apt-get install nginx-light): HTTP/1.1 with keep-alive, as
# static hosts serve, compression off so that the bytes are the same. NETWORKS (default
# "local slow4g") chooses the passes; BUILD=0 reuses a kept site's output as it is.
set -euo pipefail

N=${1:-100000}
SEED=${SEED:-42}
die() {
    echo "search_phone.sh: $*" >&2
    exit 2
}
for tool in node python3 chromedriver; do
    command -v "$tool" >/dev/null || die "$tool is needed (Debian: apt-get install nodejs python3 chromium-driver)"
done
[[ -x ${CHROMIUM:-/usr/bin/chromium} ]] || die "chromium is needed (Debian: apt-get install chromium)"
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
WORK=${WORK:-/dev/shm/evident-search-phone}
SITE=$WORK/site
TARGET=$(cargo metadata --format-version 1 --no-deps |
    python3 -c 'import json, sys; print(json.load(sys.stdin)["target_directory"])')
# Only what is missing is built: with EVIDENT set and the site kept from an earlier run
# (KEEP=1), nothing is compiled.
if [[ -z ${EVIDENT:-} ]]; then
    cargo build --release --bin evident --example gen_corpus
elif [[ ! -f $SITE/evident.yaml ]]; then
    cargo build --release --example gen_corpus
fi
GEN=$TARGET/release/examples/gen_corpus
EVIDENT=${EVIDENT:-$TARGET/release/evident}
mkdir -p "$WORK"
PIDS=()
cleanup() {
    for pid in "${PIDS[@]}"; do
        kill "$pid" 2>/dev/null || true
    done
    [[ ${KEEP:-0} == 1 ]] || rm -rf "$WORK"
}
trap cleanup EXIT

if [[ ! -f $SITE/evident.yaml ]]; then
    "$GEN" "$N" "$SITE" "$SEED"
fi
if [[ ${BUILD:-1} != 0 || ! -d $SITE/public/search ]]; then
    echo "== build of $N articles: $(/usr/bin/time -f '%e s, peak %M KB' "$EVIDENT" --root "$SITE" build --quiet --no-cache 2>&1 >/dev/null | tail -n 1)"
fi
INDEX=$SITE/public/search
echo "== index: $(du -sb "$INDEX" | cut -f1) bytes in $(find "$INDEX" -type f | wc -l) files" \
    "($(find "$INDEX/postings" -type f | wc -l) posting shards, $(find "$INDEX/vocab" -type f | wc -l) vocabulary shards," \
    "$(find "$INDEX/docs" -type f | wc -l) document shards); manifest $(stat -c %s "$INDEX/index.json") B," \
    "synonyms $(stat -c %s "$INDEX/synonyms.json") B, largest vocabulary shard $(find "$INDEX/vocab" -type f -printf '%s\n' | sort -n | tail -n 1) B," \
    "largest posting shard $(find "$INDEX/postings" -type f -printf '%s\n' | sort -n | tail -n 1) B"

free_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}
HTTP_PORT=$(free_port)
case ${SERVER:-python} in
python)
    python3 -m http.server "$HTTP_PORT" --bind 127.0.0.1 --directory "$SITE/public" >"$WORK/http.log" 2>&1 &
    ;;
nginx)
    command -v nginx >/dev/null || die "nginx is needed for SERVER=nginx (Debian: apt-get install nginx-light)"
    mkdir -p "$WORK/nginx"
    cat >"$WORK/nginx/nginx.conf" <<CONF
daemon off;
worker_processes 1;
pid $WORK/nginx/nginx.pid;
error_log $WORK/nginx/error.log;
events { worker_connections 256; }
http {
    access_log off;
    client_body_temp_path $WORK/nginx;
    proxy_temp_path $WORK/nginx;
    fastcgi_temp_path $WORK/nginx;
    uwsgi_temp_path $WORK/nginx;
    scgi_temp_path $WORK/nginx;
    types { text/html html; application/json json; text/javascript js; text/css css; }
    keepalive_timeout 65s;
    server {
        listen 127.0.0.1:$HTTP_PORT;
        root $SITE/public;
        index index.html;
    }
}
CONF
    nginx -c "$WORK/nginx/nginx.conf" -e "$WORK/nginx/error.log" >"$WORK/http.log" 2>&1 &
    ;;
*) die "SERVER is python or nginx" ;;
esac
PIDS+=($!)
DRIVER_PORT=$(free_port)
chromedriver --port="$DRIVER_PORT" >"$WORK/chromedriver.log" 2>&1 &
PIDS+=($!)
for _ in $(seq 100); do
    if curl -sf "http://127.0.0.1:$HTTP_PORT/search/index.json" >/dev/null &&
        curl -sf "http://127.0.0.1:$DRIVER_PORT/status" >/dev/null; then
        break
    fi
    sleep 0.1
done
for network in ${NETWORKS:-local slow4g}; do
    echo "== $(chromium --version 2>/dev/null || true), CPU slowdown ${CPU_SLOWDOWN:-4}x, network $network, server ${SERVER:-python}, $(nproc) cores, $(uptime | sed 's/.*load average/load average/')"
    NETWORK=$network node "$ROOT/benches/search_phone.js" "http://127.0.0.1:$DRIVER_PORT" "http://127.0.0.1:$HTTP_PORT/" \
        "$SITE/public" "$ROOT/benches/search_phone_queries.txt"
done
