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
