#!/usr/bin/env bash
# Catalog read path under load, against what it is built from (the AppHost's catalog: Release, Production, telemetry
# exported to the Aspire dashboard, the per-client rate limiter on):
#   kestrel   bare Kestrel + routing returning a product of the same shape (the ceiling on this machine)
#   l1        GET /api/catalog/items/{id}, Catalog:Cache:Mode=TwoLevel        (memory hits)
#   l2        GET /api/catalog/items/{id}, Catalog:Cache:Mode=DistributedOnly (memory level skipped: Redis hits)
#   db        GET /api/catalog/items/{id}, Catalog:Cache:Mode=None            (PostgreSQL on every request)
# over a hot set of HOT ids chosen at random per request. This machine is noisy, so ratios are what counts: each mode
# gets WARMUP seconds of load (tiered JIT settles after ~40 s here), then REPEATS rounds, each measuring Kestrel and
# the mode back to back for DURATION seconds (wrk, THREADS threads, CONNECTIONS connections); a round's ratio is
# mode ÷ Kestrel of that round. Prints every round, then per mode the median req/s and ratio with their spread, and
# last the line ratio_l1_vs_kestrel=<median>.
#   gateway   the same memory hits through the YARP gateway (anonymous, its per-client limiter and telemetry on);
#             each round also measures the catalog directly, and reports gateway ÷ direct (ratio_gateway_vs_l1)
#   l1-proxied  l1 through DCP's proxy (the address service discovery gives callers in the AppHost)
#   gateway-notel  gateway without telemetry in the gateway and the catalog (finding where its time goes)
#   gateway-token  the same with a buyer's access token on every request: the gateway validates it (signature,
#             lifetime, audience; keys cached) and limits by its subject; gateway-token ÷ gateway is what validation costs
# MODES adds, for finding where a memory hit spends its time beyond bare Kestrel:
#   l1-notel    l1 exporting no telemetry (no OTLP endpoint)
#   l1-nospans  l1 recording no trace (metrics and logs exported)
# Env: DURATION (10), WARMUP (45), REPEATS (5), CONNECTIONS (64), THREADS (2), HOT (1000), MODES ("l1 l2 db gateway gateway-token").
set -euo pipefail
cd "$(dirname "$0")/.."

DURATION="${DURATION:-10}"
WARMUP="${WARMUP:-45}"
REPEATS="${REPEATS:-5}"
CONNECTIONS="${CONNECTIONS:-64}"
THREADS="${THREADS:-2}"
HOT="${HOT:-1000}"
MODES="${MODES:-l1 l2 db gateway gateway-token}"
source bench/bench-host.sh
require_tools wrk curl
build_release bench/BenchHost/BenchHost.csproj bench/KestrelBaseline/KestrelBaseline.csproj bench/OrderBench/OrderBench.csproj
WORK=$(mktemp -d)
trap 'stop_bench_host; [ -n "${KESTREL_PID:-}" ] && kill "$KESTREL_PID" 2>/dev/null; rm -rf "$WORK"' EXIT

# The ceiling: the bare Kestrel baseline as a plain process (KESTREL_URL, KESTREL_PID).
start_kestrel

# hot.lua: anonymous reads; the gateway-token mode writes token.lua, the same with a buyer's token
hot_script "" >"$WORK/hot.lua"

# The catalog as the AppHost runs it (one replica, measured at its own address past DCP's proxy), once per cache mode.
# wrk is one client standing in for thousands of buyers, so its rate-limit budget is sized above what this machine
# can serve (any 429 fails the run).
start_catalog() {
  local cache=$1
  shift
  start_bench_host 240 --only catalog --Catalog:Replicas=1 \
    --env "catalog:Catalog__Cache__Mode=$cache" "$@"
}

# The gateway and what it routes to (one replica each, measured at their own addresses), the same budget reasoning.
start_gateway() {
  rm -f "$WORK/connections"
  BENCH_CONNECTIONS="$WORK/connections" start_bench_host 300 --only gateway --buyers 1 --Catalog:Replicas=1 --Gateway:Replicas=1 \
    --env catalog:Catalog__Cache__Mode=TwoLevel \
    --env gateway:Gateway__RateLimit__PermitLimit=1000000 --env gateway:Gateway__RateLimit__Burst=200000 "$@"
}


echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//'), dotnet $(dotnet --version), $(wrk -v 2>&1 | head -1 | cut -d' ' -f1-2)"
echo "load: wrk -t$THREADS -c$CONNECTIONS, ${WARMUP} s warm-up per mode, $REPEATS rounds of ${DURATION} s (Kestrel, then the mode); hot set of $HOT ids"
wrk -t"$THREADS" -c"$CONNECTIONS" -d"${WARMUP}s" -s "$WORK/hot.lua" "$KESTREL_URL" >/dev/null
declare -A RATIOS RATES
NO_TELEMETRY=(--env catalog:OTEL_EXPORTER_OTLP_ENDPOINT=)
for mode in $MODES; do
  stop_bench_host
  case $mode in
    l1) start_catalog TwoLevel ;;
    l2) start_catalog DistributedOnly ;;
    db) start_catalog None ;;
    l1-notel) start_catalog TwoLevel "${NO_TELEMETRY[@]}" ;;
    l1-nospans) start_catalog TwoLevel --env catalog:OpenTelemetry__Tracing__SamplingRatio=0 ;;
    gateway | gateway-token) start_gateway ;;
    l1-proxied) start_catalog TwoLevel ;;
    gateway-notel) start_gateway --env gateway:OTEL_EXPORTER_OTLP_ENDPOINT= --env catalog:OTEL_EXPORTER_OTLP_ENDPOINT= ;;
    *) echo "unknown mode $mode" >&2; exit 1 ;;
  esac
  base=$(host_line replica catalog)
  # through DCP's proxy, as every service-to-service call in the AppHost goes (http://catalog resolves to it)
  [ "$mode" = l1-proxied ] && base=$(host_line endpoint catalog)
  script=$WORK/hot.lua
  if [[ $mode == gateway* ]]; then
    direct=$base
    base=$(host_line replica gateway)
    if [ "$mode" = gateway-token ]; then
      hot_script "$(dotnet bench/OrderBench/bin/Release/net10.0/OrderBench.dll token "$WORK/host.log" "$WORK/connections" bench-buyer-0)" >"$WORK/token.lua"
      script=$WORK/token.lua
    fi
    wrk -t"$THREADS" -c"$CONNECTIONS" -d"${WARMUP}s" -s "$WORK/hot.lua" "$direct" >/dev/null
  fi
  wrk -t"$THREADS" -c"$CONNECTIONS" -d"${WARMUP}s" -s "$script" "$base" >/dev/null
  for round in $(seq 1 "$REPEATS"); do
    read -r krps kp50 kp99 < <(measure "$KESTREL_URL" "$DURATION")
    if [[ $mode == gateway* ]]; then
      read -r drps dp50 dp99 < <(measure "$direct" "$DURATION")
      printf '%s round %d: catalog directly %6s req/s (p50 %5s ms, p99 %6s ms)\n' "$mode" "$round" "$drps" "$dp50" "$dp99"
    fi
    read -r rps p50 p99 < <(measure "$base" "$DURATION" "$script")
    if [[ $mode == gateway* ]]; then RATIOS[$mode-vs-l1]+="$(awk -v a="$rps" -v b="$drps" 'BEGIN { printf "%.3f", a / b }') "; fi
    ratio=$(awk -v a="$rps" -v b="$krps" 'BEGIN { printf "%.3f", a / b }')
    RATIOS[$mode]+="$ratio "
    RATES[$mode]+="$rps "
    RATES[kestrel]+="$krps "
    printf '%-3s round %d: kestrel %6s req/s (p50 %5s ms, p99 %6s ms)   %-3s %6s req/s (p50 %5s ms, p99 %6s ms)   ratio %s\n' \
      "$mode" "$round" "$krps" "$kp50" "$kp99" "$mode" "$rps" "$p50" "$p99" "$ratio"
  done
  # what the measured mode answers from, as a check that the mode is the one intended
  header=$(curl -s -D - -o /dev/null "$base/api/catalog/items/1" | tr -d '\r' | awk -F': ' 'tolower($1) == "x-cache" { print $2 }')
  echo "$mode: X-Cache after load: ${header:-none}"
done

echo "medians (min-max) over $REPEATS rounds:"
printf '  kestrel %s req/s\n' "$(echo "${RATES[kestrel]}" | tr ' ' '\n' | grep . | summary)"
for mode in $MODES; do
  printf '  %-10s %s req/s   vs kestrel %s\n' "$mode" "$(echo "${RATES[$mode]}" | tr ' ' '\n' | grep . | summary)" "$(echo "${RATIOS[$mode]}" | tr ' ' '\n' | grep . | summary)"
done
if [ -n "${RATES[l1]:-}" ] && [ -n "${RATES[db]:-}" ]; then
  l1=$(echo "${RATES[l1]}" | tr ' ' '\n' | grep . | median)
  db=$(echo "${RATES[db]}" | tr ' ' '\n' | grep . | median)
  echo "ratio_l1_vs_db=$(awk -v a="$l1" -v b="$db" 'BEGIN { printf "%.2f", a / b }')"
fi
for mode in gateway gateway-token; do
  [ -n "${RATIOS[$mode-vs-l1]:-}" ] && echo "ratio_${mode/-/_}_vs_l1=$(echo "${RATIOS[$mode-vs-l1]}" | tr ' ' '\n' | grep . | summary)"
done
if [ -n "${RATIOS[gateway]:-}" ] && [ -n "${RATIOS[gateway-token]:-}" ]; then
  # what validating a token costs a request at the gateway, from each mode's median ratio to Kestrel
  echo "ratio_gateway_token_vs_gateway=$(awk -v a="$(echo "${RATIOS[gateway-token]}" | tr ' ' '\n' | grep . | median)" -v b="$(echo "${RATIOS[gateway]}" | tr ' ' '\n' | grep . | median)" 'BEGIN { printf "%.3f", a / b }')"
fi
[ -n "${RATIOS[l2]:-}" ] && echo "ratio_l2_vs_kestrel=$(echo "${RATIOS[l2]}" | tr ' ' '\n' | grep . | median)"
[ -n "${RATIOS[l1]:-}" ] && echo "ratio_l1_vs_kestrel=$(echo "${RATIOS[l1]}" | tr ' ' '\n' | grep . | median)"
exit 0
