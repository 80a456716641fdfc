#!/usr/bin/env bash
# Regenerates every bundled model from its seeds: `npm run models:train`. Not part of CI.
# Needs Debian's python3-torch, python3-numpy and python3-yaml (PyPI is not used):
#   apt-get install -y python3-torch python3-numpy python3-yaml
set -euo pipefail
cd "$(dirname "$0")/.."
PY=/usr/bin/python3
if ! "$PY" -c 'import torch, numpy, yaml' 2>/dev/null; then
  echo "models:train: $PY lacks torch, numpy or yaml; run: apt-get install -y python3-torch python3-numpy python3-yaml" >&2
  exit 1
fi
echo "== credit scorer (models/credit)"
"$PY" models/credit/train.py
