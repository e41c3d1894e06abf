#!/usr/bin/env bash
# Starts the whole platform on this machine: Redis, PostgreSQL, RabbitMQ and the services. Ctrl+C stops it all.
# Accounts, orders, payments, feeds and sales are kept from one run to the next; `./run.sh --reset` starts from empty.
set -euo pipefail
cd "$(dirname "$0")"
args=()
for arg in "$@"; do
  if [ "$arg" = "--reset" ]; then
    export LocalServers__Reset=true # each server's data volume is removed before it starts (docs/deployment.md)
  else
    args+=("$arg")
  fi
done
scripts/setup.sh
exec dotnet run --project AppHost "${args[@]}"
