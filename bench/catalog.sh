#!/usr/bin/env bash
# Catalog read path under load, in one run, against what it is built from (the AppHost's catalog: Release,
# ASPNETCORE_ENVIRONMENT=Production, telemetry exported to the Aspire dashboard):
#   kestrel   bare Kestrel + routing returning a product of the same shape (the ceiling on this machine)
#   l1        GET /api/catalog/items/{id}, Catalog:Cache:Mode=TwoLevel        (L1 memory hits)
#   l2        GET /api/catalog/items/{id}, Catalog:Cache:Mode=DistributedOnly (same cache, zero local lifetime: Redis hits)
#   db        GET /api/catalog/items/{id}, Catalog:Cache:Mode=None            (PostgreSQL on every request)
# over a hot set of HOT ids chosen at random per request. Each target gets WARMUP seconds of load, then DURATION
# seconds measured with wrk (THREADS threads, CONNECTIONS connections). Prints requests/s, p50 and p99 per target,
# the ratios, and last the line ratio_l1_vs_kestrel=<x>.
# Env: DURATION (default 10), WARMUP (default 5), CONNECTIONS (default 64), THREADS (default 2), HOT (default 1000).
set -euo pipefail
cd "$(dirname "$0")/.."

DURATION="${DURATION:-10}"
WARMUP="${WARMUP:-5}"
CONNECTIONS="${CONNECTIONS:-64}"
THREADS="${THREADS:-2}"
HOT="${HOT:-1000}"
source bench/bench-host.sh
require_tools wrk curl
build_release bench/BenchHost/BenchHost.csproj bench/KestrelBaseline/KestrelBaseline.csproj
WORK=$(mktemp -d)
trap 'stop_bench_host; [ -n "${KESTREL_PID:-}" ] && kill "$KESTREL_PID" 2>/dev/null; rm -rf "$WORK"' EXIT

# The ceiling: the bare Kestrel baseline as a plain process.
KESTREL_URL="http://127.0.0.1:$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
ASPNETCORE_ENVIRONMENT=Production dotnet bench/KestrelBaseline/bin/Release/net10.0/KestrelBaseline.dll --urls "$KESTREL_URL" >"$WORK/kestrel.log" 2>&1 &
KESTREL_PID=$!
until curl -sf -o /dev/null "$KESTREL_URL/api/catalog/items/1"; do kill -0 "$KESTREL_PID" || exit 1; sleep 0.2; done

# The catalog as the AppHost runs it (one replica, measured past DCP's proxy), once per cache mode. The per-client
# limiter stays on, as deployed; wrk is one client standing in for thousands of buyers, so its budget is sized above
# what this machine can serve (any 429 fails the run).
start_catalog() {
  start_bench_host 240 --only catalog --Catalog:Replicas=1 \
    --env "catalog:Catalog__Cache__Mode=$1" \
    --env catalog:Catalog__RateLimit__PermitLimit=1000000 --env catalog:Catalog__RateLimit__Burst=200000
}

cat >"$WORK/hot.lua" <<LUA
math.randomseed(42)
request = function()
  return wrk.format("GET", "/api/catalog/items/" .. math.random(1, $HOT))
end
LUA

# wrk prints latencies as 812.00us / 1.20ms / 1.01s: normalise to ms
to_ms() { awk '{ v = $1; if (v ~ /us$/) { sub(/us$/, "", v); v /= 1000 } else if (v ~ /ms$/) { sub(/ms$/, "", v) } else if (v ~ /s$/) { sub(/s$/, "", v); v *= 1000 } printf "%.2f", v }'; }

echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//'), dotnet $(dotnet --version), $(wrk -v 2>&1 | head -1 | cut -d' ' -f1-2)"
echo "load: wrk -t$THREADS -c$CONNECTIONS -d${DURATION}s after ${WARMUP}s warm-up; hot set of $HOT ids"
declare -A RPS P50 P99
for target in kestrel l1 l2 db; do
  stop_bench_host
  case $target in
    kestrel) base=$KESTREL_URL ;;
    l1) start_catalog TwoLevel; base=$(host_line replica catalog) ;;
    l2) start_catalog DistributedOnly; base=$(host_line replica catalog) ;;
    db) start_catalog None; base=$(host_line replica catalog) ;;
  esac
  wrk -t"$THREADS" -c"$CONNECTIONS" -d"${WARMUP}s" -s "$WORK/hot.lua" "$base" >/dev/null
  out=$(wrk -t"$THREADS" -c"$CONNECTIONS" -d"${DURATION}s" --latency -s "$WORK/hot.lua" "$base")
  if echo "$out" | grep -q 'Non-2xx'; then echo "$target: non-2xx responses" >&2; echo "$out" >&2; exit 1; fi
  RPS[$target]=$(echo "$out" | awk '/^Requests\/sec:/ { printf "%.0f", $2 }')
  P50[$target]=$(echo "$out" | awk '$1 == "50%" { print $2 }' | to_ms)
  P99[$target]=$(echo "$out" | awk '$1 == "99%" { print $2 }' | to_ms)
  # what the measured mode answers from, as a check that the mode is the one intended
  header=$(curl -s -D - -o /dev/null "$base/api/catalog/items/1" | tr -d '\r' | awk -F': ' 'tolower($1) == "x-cache" { print $2 }')
  printf '%-8s %10s req/s   p50 %7s ms   p99 %7s ms   X-Cache after load: %s\n' "$target" "${RPS[$target]}" "${P50[$target]}" "${P99[$target]}" "${header:-none}"
done

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
echo "ratio_l2_vs_kestrel=$(ratio "${RPS[l2]}" "${RPS[kestrel]}")"
echo "ratio_l1_vs_db=$(ratio "${RPS[l1]}" "${RPS[db]}")"
echo "ratio_l2_vs_db=$(ratio "${RPS[l2]}" "${RPS[db]}")"
echo "ratio_l1_vs_kestrel=$(ratio "${RPS[l1]}" "${RPS[kestrel]}")"
