#!/usr/bin/env bash
# Benchmarks Platform.Redis against redis-benchmark at the same load, in one run, on one fresh redis-server:
#   redis-benchmark -c 50 -n N -d 100 -t get   (50 connections, one request in flight on each)
#   RedisClientBench                           (50 concurrent async callers, one request in flight each, ONE connection)
# Prints both figures per round and, as its last line, ratio=<client ops/s / redis-benchmark ops/s> (medians).
# Env: N (requests per measurement, default 500000), ROUNDS (default 3), REDIS_SERVER / REDIS_BENCHMARK / REDIS_CLI.
set -euo pipefail
cd "$(dirname "$0")/.."

N="${N:-500000}"
ROUNDS="${ROUNDS:-3}"
CLIENTS=50
REDIS_SERVER="${REDIS_SERVER:-redis-server}"
REDIS_BENCHMARK="${REDIS_BENCHMARK:-redis-benchmark}"
REDIS_CLI="${REDIS_CLI:-redis-cli}"
for tool in "$REDIS_SERVER" "$REDIS_BENCHMARK" "$REDIS_CLI" dotnet; do
  command -v "$tool" >/dev/null || { echo "missing $tool (apt-get install redis-server redis-tools)" >&2; exit 1; }
done

dotnet build -c Release bench/RedisClientBench/RedisClientBench.csproj -nologo -v q >/dev/null
BENCH_DLL=bench/RedisClientBench/bin/Release/net10.0/RedisClientBench.dll

PORT=""
for candidate in $(seq 17000 17100); do
  if ! (exec 3<>"/dev/tcp/127.0.0.1/$candidate") 2>/dev/null; then PORT=$candidate; break; fi
done
[ -n "$PORT" ] || { echo "no free port" >&2; exit 1; }

"$REDIS_SERVER" --port "$PORT" --bind 127.0.0.1 --save "" --appendonly no --daemonize no --loglevel warning >/dev/null &
SERVER_PID=$!
trap 'kill "$SERVER_PID" 2>/dev/null || true; wait "$SERVER_PID" 2>/dev/null || true' EXIT
for _ in $(seq 1 100); do
  "$REDIS_CLI" -p "$PORT" ping >/dev/null 2>&1 && break
  sleep 0.1
done

KEY='key:__rand_int__' # the key redis-benchmark's GET reads when -r is not given
"$REDIS_CLI" -p "$PORT" set "$KEY" "$(head -c 100 /dev/zero | tr '\0' 'x')" >/dev/null

echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//'), $("$REDIS_SERVER" --version | cut -d' ' -f3), dotnet $(dotnet --version)"
echo "load: $N GETs of 100-byte values, $CLIENTS concurrent callers, no explicit pipelining"

median() { sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

BENCH_RESULTS=()
CLIENT_RESULTS=()
for round in $(seq 1 "$ROUNDS"); do
  out=$("$REDIS_BENCHMARK" -p "$PORT" -c "$CLIENTS" -n "$N" -d 100 -t get -q 2>/dev/null | tr '\r' '\n' | grep -E '^GET: .*requests per second' | tail -1)
  rb=$(echo "$out" | sed -E 's/^GET: ([0-9.]+) requests per second.*/\1/')
  BENCH_RESULTS+=("$rb")
  echo "round $round redis-benchmark: $out"

  out=$(dotnet "$BENCH_DLL" --port "$PORT" --requests "$N" --clients "$CLIENTS" --key "$KEY")
  cl=$(echo "$out" | sed -E 's/.*ops\/s=([0-9.]+).*/\1/')
  CLIENT_RESULTS+=("$cl")
  echo "round $round Platform.Redis:  $out"
done

RB=$(printf '%s\n' "${BENCH_RESULTS[@]}" | median)
CL=$(printf '%s\n' "${CLIENT_RESULTS[@]}" | median)
echo "redis-benchmark ops/s (median of $ROUNDS): $RB"
echo "Platform.Redis ops/s (median of $ROUNDS): $CL"
awk -v c="$CL" -v b="$RB" 'BEGIN { printf "ratio=%.2f\n", c / b }'
