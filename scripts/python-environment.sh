#!/usr/bin/env bash
# Creates (or updates) the Python virtual environment .venv at the repository root with the
# shared_functions package installed in development mode and what its tests and the notebooks
# need. Extra arguments are more pip requirements (e.g. jupyterlab for `make notebooks`).
# Re-running is quick: pip skips what is installed. The network is only needed the first time.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ ! -x .venv/bin/python ]; then
    echo "creating the Python environment .venv"
    python3 -m venv .venv
fi
stamp=.venv/.shared-functions-installed
if [ ! -f "$stamp" ] || [ shared_functions/python/pyproject.toml -nt "$stamp" ] || [ "$#" -gt 0 ]; then
    .venv/bin/python -m pip install --quiet --upgrade pip
    # compat mode puts shared_functions/python on sys.path, so `import shared_functions` finds the
    # package even from the repository root, where the Swift package folder has the same name.
    .venv/bin/python -m pip install --quiet --config-settings editable_mode=compat \
        -e "shared_functions/python[test,notebooks,kafka]" "$@"
    touch "$stamp"
fi
