#!/usr/bin/env bash
# Readiness check: one sample per MODEL; can it call our tools at all, and if not, why?
# Usage: scripts/run_readiness_smoke.sh MODEL... [ic smoke options]
#
# Thin wrapper kept for people used to the original commands; the logic lives in `ic`
# (inspect_ic/runner). Honoured environment (read by ic itself, .env included): IC_REPEATS,
# IC_LOG_ROOT, IC_RUN_FULL_EVAL_VALIDATE_ONLY, IC_ENABLE_TOOL_TRACE_AUDIT,
# IC_TOOL_TRACE_AUDIT_MODELS, OPENAI_REASONING_EFFORT, OPENAI_REASONING_SUMMARY,
# ANTHROPIC_REASONING_TOKENS, GEMINI_API_KEY (alias of GOOGLE_API_KEY), IC_OPENROUTER_EXACTO.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
if [ -x "$ROOT/.venv/bin/ic" ]; then IC=("$ROOT/.venv/bin/ic"); else IC=(python3 -m inspect_ic.cli); fi
exec "${IC[@]}" smoke "$@"
