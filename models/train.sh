#!/usr/bin/env bash
# Regenerates every bundled model from its seeds: `npm run models:train`. Not part of CI.
# Needs Debian's python3-torch, python3-numpy and python3-yaml (PyPI is not used):
#   apt-get install -y python3-torch python3-numpy python3-yaml python3-pil
set -euo pipefail
cd "$(dirname "$0")/.."
PY=/usr/bin/python3
if ! "$PY" -c 'import torch, numpy, yaml, PIL' 2>/dev/null; then
  echo "models:train: $PY lacks torch, numpy, yaml or PIL; run: apt-get install -y python3-torch python3-numpy python3-yaml python3-pil" >&2
  exit 1
fi
echo "== credit scorer (models/credit)"
"$PY" models/credit/train.py

echo "== synthetic lesions and lesion classifiers (models/dermatology)"
data=$(mktemp -d)
trap 'rm -rf "$data"' EXIT
node dist/src/cli/main.js synth lesions --n 3000 --seed 1001 --out "$data/train-clean"
node dist/src/cli/main.js synth lesions --n 3000 --seed 1002 --shortcut --out "$data/train-shortcut"
node dist/src/cli/main.js synth lesions --n 1000 --seed 3003 --out "$data/test"
"$PY" models/dermatology/train.py --variant clean --train "$data/train-clean" --test "$data/test"
"$PY" models/dermatology/train.py --variant shortcut --train "$data/train-shortcut" --test "$data/test"
