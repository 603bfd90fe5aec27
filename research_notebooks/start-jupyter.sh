#!/usr/bin/env bash
# Starts JupyterLab on the folder it is run from, for `make notebooks` and the Jupyter image.
#
# - A token is always required: $JUPYTER_TOKEN when set and not empty, else one generated now.
#   The URL with the token is printed first.
# - It listens on loopback ($JUPYTER_IP to choose another address: the image sets 0.0.0.0 inside
#   its container, and compose publishes the port on the host's loopback only).
# - $JUPYTER_PORT (default 8888); $JUPYTER (default: jupyter on the PATH).
# - As root (containers, CI runners) it passes --allow-root, which Jupyter otherwise demands.
set -euo pipefail

jupyter=${JUPYTER:-jupyter}
ip=${JUPYTER_IP:-127.0.0.1}
port=${JUPYTER_PORT:-8888}
token=${JUPYTER_TOKEN:-}
if [ -z "$token" ]; then
    token=$(python3 -c 'import secrets; print(secrets.token_hex(24))')
fi
arguments=(lab --no-browser --ip="$ip" --port="$port" --port-retries=0 --IdentityProvider.token="$token")
if [ "$(id -u)" -eq 0 ]; then arguments+=(--allow-root); fi

shown=$ip
if [ "$ip" = "0.0.0.0" ]; then shown=127.0.0.1; fi
echo "Jupyter Lab: http://$shown:$port/lab?token=$token"
exec "$jupyter" "${arguments[@]}"
