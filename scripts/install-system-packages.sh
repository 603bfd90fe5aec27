#!/usr/bin/env bash
# Installs the Debian packages the build and tests need, when missing:
# librdkafka-dev (the Kafka client, found with pkg-config), kcat (a reference Kafka client
# that tests and benchmarks compare against), docker-compose (validates the compose file
# offline; no Docker engine is needed), python3-venv (the notebooks' environment), gcc and
# valgrind (the C ABI's leak check).
set -euo pipefail

needed=()
dpkg -s librdkafka-dev >/dev/null 2>&1 || needed+=(librdkafka-dev)
command -v pkg-config >/dev/null 2>&1 || needed+=(pkg-config)
command -v kcat >/dev/null 2>&1 || needed+=(kcat)
command -v docker-compose >/dev/null 2>&1 || needed+=(docker-compose)
command -v gcc >/dev/null 2>&1 || needed+=(gcc)
command -v valgrind >/dev/null 2>&1 || needed+=(valgrind)
python3 -c 'import venv, ensurepip' >/dev/null 2>&1 || needed+=(python3-venv)

if ((${#needed[@]} == 0)); then
    exit 0
fi

echo "installing Debian packages: ${needed[*]}"
sudo=""
if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${needed[@]}" >/dev/null
