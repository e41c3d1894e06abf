#!/usr/bin/env bash
# The purchase flow under load, end to end, as deployed (Release, ASPNETCORE_ENVIRONMENT=Production): the system of
# AppHost/Program.cs (Redis, PostgreSQL, RabbitMQ, catalog ×2, order, payment, payment-provider at its default 20 ms
# per charge, notification) started by bench/OrderBenchHost; then bench/OrderBench plays CONCURRENCY buyers, each
# with its notification stream (SSE) open, placing one order at a time (POST /api/orders) and waiting until the
# stream says that order is confirmed. WARMUP seconds are not counted, then DURATION seconds are measured.
# Prints orders per second, the POST latency and POST → confirmation heard (p50, p99), where the time goes (each
# stage from the services' own timestamps) and the CPU each process used; last the line orders_per_s=<x>.
# Exits non-zero when any order fails (not 201, never finished) or is cancelled.
# Env: SAMPLING (share of traces recorded; default Production's 0.1), DURATION (default 20), WARMUP (default 60: six .NET processes tiering their JIT on two cores take about 40 s
#      to reach a steady rate; see docs/benchmarks.md), CONCURRENCY (default 32), PRODUCTS (default 4),
#      ORDER_TIMEOUT (seconds an order may take before it counts as failed, default 60).
set -euo pipefail
cd "$(dirname "$0")/.."

export DURATION="${DURATION:-20}" WARMUP="${WARMUP:-60}" CONCURRENCY="${CONCURRENCY:-32}"

source bench/bench-host.sh
build_release bench/BenchHost/BenchHost.csproj bench/OrderBench/OrderBench.csproj
WORK=$(mktemp -d) # 0700: the host writes the databases' connection strings (generated passwords) there
trap 'stop_bench_host; rm -rf "$WORK"' EXIT
# SAMPLING: the share of traces recorded (default: what Production records, one in ten); SAMPLING=1 records every one
sampling=()
if [ -n "${SAMPLING:-}" ]; then
  for service in gateway identity catalog order payment payment-provider notification; do sampling+=(--env "$service:OpenTelemetry__Tracing__SamplingRatio=$SAMPLING"); done
fi
# buyers sign in (authorization code flow) and buy through the gateway, one budget each there, as on the internet
BENCH_CONNECTIONS="$WORK/connections" start_bench_host 240 --buyers "${CONCURRENCY:-32}" "${sampling[@]}"
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//'), dotnet $(dotnet --version)"
echo "system: gateway ×2, identity, catalog ×2, order, payment, payment-provider, notification; Redis, PostgreSQL, RabbitMQ; Release, Production;"
echo "  traces (share recorded: ${SAMPLING:-0.1, as in Production}), metrics and logs exported over OTLP to the Aspire dashboard"
dotnet bench/OrderBench/bin/Release/net10.0/OrderBench.dll "$WORK/host.log" "$WORK/connections"
