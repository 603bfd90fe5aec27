#!/usr/bin/env bash
# Installs the Debian packages the build and tests need, when missing: pkg-config (SwiftPM finds
# librdkafka with it; librdkafka itself is built by scripts/build-librdkafka.sh, never taken from
# apt), kcat (a reference Kafka client that tests and benchmarks compare against; it brings its
# own shared librdkafka, which the project's binaries never load), docker-compose (validates the
# compose file offline; no Docker engine is needed), python3-venv (the notebooks' environment),
# gcc and valgrind (the C ABI's leak check).
set -euo pipefail

needed=()
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
