#!/usr/bin/env bash
# Starts the whole platform on this machine: Redis, PostgreSQL, RabbitMQ and the four services. Ctrl+C stops it all.
set -euo pipefail
cd "$(dirname "$0")"
scripts/setup.sh
exec dotnet run --project AppHost "$@"
