#!/usr/bin/env bash
# Smoke run: the first variant (A) of every task (or of --task) per MODEL, one repeat
# (IC_REPEATS does not apply to smoke mode; pass --repeats N to override).
# Usage: scripts/run_smoke_eval.sh MODEL... [ic run options]
#
# Thin wrapper kept for people used to the original commands; the logic lives in `ic`
# (inspect_ic/runner). Honoured environment (read by ic itself, .env included): IC_REPEATS,
# IC_LOG_ROOT, IC_RUN_FULL_EVAL_VALIDATE_ONLY, IC_ENABLE_TOOL_TRACE_AUDIT,
# IC_TOOL_TRACE_AUDIT_MODELS, OPENAI_REASONING_EFFORT, OPENAI_REASONING_SUMMARY,
# ANTHROPIC_REASONING_TOKENS, GEMINI_API_KEY (alias of GOOGLE_API_KEY), IC_OPENROUTER_EXACTO.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
if [ -x "$ROOT/.venv/bin/ic" ]; then IC=("$ROOT/.venv/bin/ic"); else IC=(python3 -m inspect_ic.cli); fi
exec "${IC[@]}" run --mode smoke "$@"
