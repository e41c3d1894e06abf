#!/usr/bin/env bash
# Installs what the platform runs on, on Debian 12: the servers the AppHost starts as processes.
# Idempotent: installs only what is missing. The .NET 10 SDK must already be on PATH.
set -euo pipefail

packages=()
[ -x /usr/bin/redis-server ] || packages+=(redis-server)
# the state Redis runs as a primary, a replica and three sentinels (docs/reliability.md, "Redis failover")
[ -x /usr/bin/redis-sentinel ] || packages+=(redis-sentinel)
[ -x /usr/lib/postgresql/15/bin/postgres ] || packages+=(postgresql)
[ -x /usr/lib/rabbitmq/bin/rabbitmq-server ] || packages+=(rabbitmq-server)
# Headless Chromium and its driver for the dashboard's browser test (Tests/Platform.Dashboard.Tests).
[ -x /usr/bin/chromium ] || packages+=(chromium)
[ -x /usr/bin/chromedriver ] || packages+=(chromium-driver)

if [ ${#packages[@]} -gt 0 ]; then
  echo "setup: installing ${packages[*]}"
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${packages[@]}" >/dev/null
fi

if ! command -v dotnet >/dev/null 2>&1; then
  echo "setup: the .NET 10 SDK is required (dotnet not found on PATH)" >&2
  exit 1
fi
