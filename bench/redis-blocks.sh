#!/usr/bin/env bash
# What remains ours on top of StackExchange.Redis (bench/RedisBlocksBench): the rate limiter's permits/s through its
# batched leases and the lock's acquire + release/s, each against a bare GET round trip in the same run, on the
# AppHost's own Redis (started through bench/BenchHost). Last line: limiter_vs_roundtrip=<permits/s ÷ round trips/s>.
# Env: CALLERS (50), SECONDS (5 per measurement), WARMUP (10 s), REPEATS (5).
set -euo pipefail
cd "$(dirname "$0")/.."

source bench/bench-host.sh
build_release bench/BenchHost/BenchHost.csproj bench/RedisBlocksBench/RedisBlocksBench.csproj
WORK=$(mktemp -d) # 0700: the host writes Redis's connection string (its generated password) there
trap 'stop_bench_host; rm -rf "$WORK"' EXIT
BENCH_CONNECTIONS="$WORK/connections" start_bench_host 120 --only cache
dotnet bench/RedisBlocksBench/bin/Release/net10.0/RedisBlocksBench.dll "$WORK/connections"
