# Sourced by the bench scripts: starts a bench AppHost (a Release dll) with the services as deployed, stops it and
# removes the run's private directory on exit, and returns once the host prints "ready".
# Sets WORK unless the caller made it (a 0700 directory: anything the host writes there may hold the run's generated passwords) and HOST_PID;
# the host's output is in "$WORK/host.log". Usage: start_bench_host <host dll> <seconds to wait> [VAR=value...]
start_bench_host() {
  local dll=$1 patience=$2
  shift 2
  WORK=${WORK:-$(mktemp -d)}
  export AppHost__ProjectEnvironment=Production
  env "$@" dotnet "$dll" >"$WORK/host.log" 2>&1 &
  HOST_PID=$!
  trap stop_bench_host EXIT
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
  kill -TERM "$HOST_PID" 2>/dev/null || true
  wait "$HOST_PID" 2>/dev/null || true
  rm -rf "$WORK"
}
