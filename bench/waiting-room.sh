#!/usr/bin/env bash
# The waiting room under load, as deployed (the whole AppHost: Release, Production, telemetry exported to the Aspire
# dashboard, the gateway's per-buyer limiter and token validation on):
#   1. status: GET /api/queue/{sale}/status from POLLERS simulated buyers (each with their own token, rotating) against
#      one gateway replica, each round measured right after bare Kestrel (bench/KestrelBaseline, the ceiling on this
#      machine); a round's ratio is status ÷ Kestrel. WARMUP seconds of load first (tiered JIT), then REPEATS rounds of
#      DURATION seconds (wrk, THREADS threads, CONNECTIONS connections).
#   2. join: POST /api/queue/{sale}/join by the same buyers (each already in: the same ticket again, one Redis script).
#   3. a sale (bench/OrderBench waiting-room-sale): UNITS units, JOINERS simulated buyers joining before the drop and
#      polling as told, admitted at RATE a second, each admitted buyer ordering once; one in ten also tries without
#      an admission. Reports admitted/s, join -> admitted, orders, oversold, fairness inversions and the orders that
#      reached the order service.
# Last lines: status_vs_kestrel=<median>, oversold=<n>, inversions=<n>. Exits non-zero when a sale guarantee broke.
# Env: DURATION (10), WARMUP (45), REPEATS (5), CONNECTIONS (64), THREADS (2), POLLERS (1000), JOINERS (10000),
#      UNITS (500), RATE (40: what the order path sustains here, docs/benchmarks.md), JOIN_WINDOW (20 s before the drop).
set -euo pipefail
cd "$(dirname "$0")/.."

DURATION="${DURATION:-10}"
WARMUP="${WARMUP:-45}"
REPEATS="${REPEATS:-5}"
CONNECTIONS="${CONNECTIONS:-64}"
THREADS="${THREADS:-2}"
POLLERS="${POLLERS:-1000}"
source bench/bench-host.sh
require_tools wrk curl
build_release bench/BenchHost/BenchHost.csproj bench/KestrelBaseline/KestrelBaseline.csproj bench/OrderBench/OrderBench.csproj
WORK=$(mktemp -d) # 0700: the host writes generated secrets there
trap 'stop_bench_host; [ -n "${KESTREL_PID:-}" ] && kill "$KESTREL_PID" 2>/dev/null; rm -rf "$WORK"' EXIT

start_kestrel
hot_script "" >"$WORK/hot.lua"
BENCH_CONNECTIONS="$WORK/connections" start_bench_host 300 --buyers 1 --simulated-buyers
bench() { dotnet bench/OrderBench/bin/Release/net10.0/OrderBench.dll "$@"; }
bench waiting-room-scripts "$WORK/host.log" "$WORK/connections" "$POLLERS" "$WORK"
gateway=$(host_line replica gateway)

echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//'), dotnet $(dotnet --version), $(wrk -v 2>&1 | head -1 | cut -d' ' -f1-2)"
echo "system: the whole AppHost (gateway ×2, identity, catalog ×2, order, payment, notification; Redis, PostgreSQL, RabbitMQ), Release, Production"
echo "load: wrk -t$THREADS -c$CONNECTIONS, ${WARMUP} s warm-up, $REPEATS rounds of ${DURATION} s; $POLLERS buyers waiting in a sale, one gateway replica"
wrk -t"$THREADS" -c"$CONNECTIONS" -d"${WARMUP}s" -s "$WORK/hot.lua" "$KESTREL_URL" >/dev/null
wrk -t"$THREADS" -c"$CONNECTIONS" -d"${WARMUP}s" -s "$WORK/status.lua" "$gateway" >/dev/null
declare -A RATIOS RATES
for mode in status join; do
  for round in $(seq 1 "$REPEATS"); do
    read -r krps kp50 kp99 < <(measure "$KESTREL_URL" "$DURATION")
    read -r rps p50 p99 < <(measure "$gateway" "$DURATION" "$WORK/$mode.lua")
    ratio=$(awk -v a="$rps" -v b="$krps" 'BEGIN { printf "%.3f", a / b }')
    RATIOS[$mode]+="$ratio "
    RATES[$mode]+="$rps "
    RATES[kestrel]+="$krps "
    printf '%-6s round %d: kestrel %6s req/s (p50 %5s ms, p99 %6s ms)   %-6s %6s req/s (p50 %5s ms, p99 %6s ms)   ratio %s\n' \
      "$mode" "$round" "$krps" "$kp50" "$kp99" "$mode" "$rps" "$p50" "$p99" "$ratio"
  done
done
echo "medians (min-max) over $REPEATS rounds:"
printf '  kestrel %s req/s\n' "$(echo "${RATES[kestrel]}" | tr ' ' '\n' | grep . | summary)"
for mode in status join; do
  printf '  %-7s %s req/s   vs kestrel %s\n' "$mode" "$(echo "${RATES[$mode]}" | tr ' ' '\n' | grep . | summary)" "$(echo "${RATIOS[$mode]}" | tr ' ' '\n' | grep . | summary)"
done

status=0
bench waiting-room-sale "$WORK/host.log" "$WORK/connections" | tee "$WORK/sale.log" || status=$?
echo "status_vs_kestrel=$(echo "${RATIOS[status]}" | tr ' ' '\n' | grep . | median)"
grep -E '^(oversold|inversions)=' "$WORK/sale.log"
exit "$status"
