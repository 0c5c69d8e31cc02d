#!/usr/bin/env bash
# Serve convviz to a class from one machine: N `streamlit run app.py` processes behind nginx.
#
#   deploy/serve_school.sh [N] [PORT]     # defaults: one process per CPU core, port 8080
#
# Students open http://<this machine's address>:PORT. One Streamlit process runs one script at a
# time per core at best (Python's GIL), so a process per core is what a class needs: measured with
# benchmarks/load.py on 2 cores, 90 students waited p95 4.95 s (17 reruns a second) on 1 process and
# 0.77 s (24 a second) on 2; one process keeps p95 under a second for about 50. nginx (Debian: apt-get install nginx) keeps each browser on one process; see
# deploy/nginx.conf for why and how. Ctrl-C stops everything.
set -euo pipefail

N=${1:-$(nproc)}
PORT=${2:-8080}
FIRST_BACKEND=${FIRST_BACKEND:-8501}   # the processes listen on 127.0.0.1:8501, 8502, …
ROOT=$(cd "$(dirname "$0")/.." && pwd)
RUN=$(mktemp -d -t convviz-serve-XXXXXX)   # nginx's config, pid, temp files; the processes' logs
chmod 755 "$RUN"   # started as root, nginx's workers (nobody) keep its cache and upload bodies here
trap 'exit 130' INT TERM
trap 'kill $(jobs -p) 2>/dev/null || true; wait; rm -rf "$RUN"' EXIT

ports=()
for ((i = 0; i < N; i++)); do
    port=$((FIRST_BACKEND + i))
    (cd "$ROOT" && exec streamlit run app.py --server.headless true --server.address 127.0.0.1 \
        --server.port "$port" --server.fileWatcherType none --browser.gatherUsageStats false) \
        > "$RUN/streamlit-$port.log" 2>&1 &
    ports+=("$port")
done
(cd "$ROOT" && python3 deploy/nginx_conf.py "0.0.0.0:$PORT" "${ports[@]}") > "$RUN/nginx.conf"
echo "convviz: $N Streamlit processes behind nginx on port $PORT (logs in $RUN); Ctrl-C to stop"
nginx -p "$RUN" -c "$RUN/nginx.conf" &
wait -n   # when nginx or any process ends, stop the rest
