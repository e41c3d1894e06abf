# Sourced by the bench scripts: the load tools they need, and the AppHost started for a benchmark (bench/BenchHost,
# a Release build: the services as deployed), stopped and its private directory removed on exit.
# start_bench_host <seconds to wait> [BenchHost argument...] returns once the host prints "ready"; it sets WORK unless
# the caller made it (a 0700 directory: what the host writes there may hold the run's generated passwords) and
# HOST_PID; the host's output is in "$WORK/host.log". stop_bench_host stops it; each script's own EXIT trap calls it
# (a trap set here would replace the script's, which also stops its other processes and removes WORK).

# Installs the Debian packages that provide the given commands, if any is missing (wrk, curl ...).
require_tools() {
  local missing=()
  for tool in "$@"; do command -v "$tool" >/dev/null || missing+=("$tool"); done
  [ ${#missing[@]} -eq 0 ] && return 0
  echo "installing ${missing[*]}" >&2
  local sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

build_release() {
  for project in "$@"; do
    local out
    out=$(dotnet build -c Release "$project" -nologo -v q 2>&1) || { echo "$out" >&2; exit 1; }
  done
}

start_bench_host() {
  local patience=$1
  shift
  WORK=${WORK:-$(mktemp -d)}
  dotnet bench/BenchHost/bin/Release/net10.0/BenchHost.dll "$@" >"$WORK/host.log" 2>&1 &
  HOST_PID=$!
  for _ in $(seq 1 $((patience * 5))); do
    grep -q '^ready' "$WORK/host.log" && return 0
    kill -0 "$HOST_PID" 2>/dev/null || { cat "$WORK/host.log" >&2; exit 1; }
    sleep 0.2
  done
  echo "services did not become healthy" >&2
  cat "$WORK/host.log" >&2
  exit 1
}

stop_bench_host() {
  if [ -n "${HOST_PID:-}" ]; then
    kill -TERM "$HOST_PID" 2>/dev/null || true
    wait "$HOST_PID" 2>/dev/null || true
    HOST_PID=
  fi
}

# What the host printed for the load generator: host_line <kind> <name> -> the third field.
host_line() { awk -v k="$1" -v n="$2" '$1 == k && $2 ~ "^"n { print $3; exit }' "$WORK/host.log" | sed 's:/*$::'; }

# The ceiling: bench/KestrelBaseline (bare Kestrel + routing + a JSON product) as a plain process on a free port.
# Sets KESTREL_URL and KESTREL_PID (the caller's EXIT trap kills it).
start_kestrel() {
  KESTREL_URL="http://127.0.0.1:$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
  ASPNETCORE_ENVIRONMENT=Production dotnet bench/KestrelBaseline/bin/Release/net10.0/KestrelBaseline.dll --urls "$KESTREL_URL" >"$WORK/kestrel.log" 2>&1 &
  KESTREL_PID=$!
  until curl -sf -o /dev/null "$KESTREL_URL/api/catalog/items/1"; do kill -0 "$KESTREL_PID" || exit 1; sleep 0.2; done
}

# hot_script <token or empty>: a wrk script reading random products of the hot set (HOT ids), with that token if any
hot_script() {
  local headers=nil
  [ -n "${1:-}" ] && headers="{ [\"Authorization\"] = \"Bearer $1\" }"
  cat <<LUA
math.randomseed(42)
request = function()
  return wrk.format("GET", "/api/catalog/items/" .. math.random(1, ${HOT:-1000}), $headers)
end
LUA
}

# wrk prints latencies as 812.00us / 1.20ms / 1.01s: normalise to ms
to_ms() { awk '{ v = $1; if (v ~ /us$/) { sub(/us$/, "", v); v /= 1000 } else if (v ~ /ms$/) { sub(/ms$/, "", v) } else if (v ~ /s$/) { sub(/s$/, "", v); v *= 1000 } printf "%.2f", v }'; }

# measure <url> <seconds> [wrk script]: "req/s p50 p99" with THREADS threads and CONNECTIONS connections (fails the
# run on any non-2xx answer)
measure() {
  local out
  out=$(wrk -t"$THREADS" -c"$CONNECTIONS" -d"$2s" --latency -s "${3:-$WORK/hot.lua}" "$1")
  if echo "$out" | grep -q 'Non-2xx'; then echo "non-2xx responses from $1" >&2; echo "$out" >&2; exit 1; fi
  echo "$(echo "$out" | awk '/^Requests\/sec:/ { printf "%.0f", $2 }') $(echo "$out" | awk '$1 == "50%" { print $2 }' | to_ms) $(echo "$out" | awk '$1 == "99%" { print $2 }' | to_ms)"
}

# median and spread of numbers on stdin: "median (min-max)"
summary() { sort -g | awk '{ v[NR] = $1 } END { m = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2; printf "%s (%s-%s)", m, v[1], v[NR] }'; }
median() { sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
