#!/usr/bin/env bash
# Installs the Debian packages the build and tests need, when missing:
# librdkafka-dev (the Kafka client, found with pkg-config), kcat (a reference Kafka client
# that tests and benchmarks compare against) and docker-compose (validates the compose file
# offline; no Docker engine is needed).
set -euo pipefail

needed=()
dpkg -s librdkafka-dev >/dev/null 2>&1 || needed+=(librdkafka-dev)
command -v pkg-config >/dev/null 2>&1 || needed+=(pkg-config)
command -v kcat >/dev/null 2>&1 || needed+=(kcat)
command -v docker-compose >/dev/null 2>&1 || needed+=(docker-compose)

if ((${#needed[@]} == 0)); then
    exit 0
fi

echo "installing Debian packages: ${needed[*]}"
sudo=""
if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${needed[@]}" >/dev/null
