"""The ``ic run`` command: options -> :class:`RunOptions` -> plan -> validate-only or execute."""

from __future__ import annotations

import errno
import os
import sys
from pathlib import Path
from typing import Annotated

import typer

from inspect_ic.runner.envsetup import env_flag, env_int, env_list, prepare_environment
from inspect_ic.runner.errors import EXIT_FAILED, EXIT_USAGE, UsageError
from inspect_ic.runner.models import GenerationSettings
from inspect_ic.runner.options import (
    DEFAULT_MAX_CONNECTIONS,
    DEFAULT_MAX_SAMPLES,
    DEFAULT_MAX_SANDBOXES,
    DEFAULT_MAX_TASKS,
    Concurrency,
    Limits,
    RunOptions,
    SandboxLimits,
)
from inspect_ic.runner.plan import default_repeats, make_plan

# A full, over-quota or read-only disk under the log root: one clear line, not a traceback.
STORAGE_ERRNOS = frozenset({errno.ENOSPC, errno.EDQUOT, errno.EROFS})


def fail_usage(message: str) -> typer.Exit:
    """Print a one-line usage error to stderr and return the exit to raise (code 2)."""
    typer.echo(f"error: {message}", err=True)
    return typer.Exit(EXIT_USAGE)


def run_command(
    models: Annotated[
        list[str] | None,
        typer.Argument(metavar="MODEL...", help="Inspect model names, e.g. openai/gpt-5."),
    ] = None,
    task: Annotated[
        list[str] | None,
        typer.Option("--task", "-t", help="Task id (repeatable; default: all available)."),
    ] = None,
    variant_id: Annotated[
        list[str] | None,
        typer.Option("--variant-id", "-v", help="Variant id or letter (repeatable)."),
    ] = None,
    variant_profile: str = typer.Option("benchmark", help="benchmark | diagnostic | extension."),
    repeats: int = typer.Option(
        None,
        help="Repeats (default: 1 in smoke mode; else $IC_REPEATS, else 3 in full mode, 1 otherwise).",
    ),
    validate_only: bool = typer.Option(
        False, "--validate-only", help="Check everything a paid run needs; no model calls."
    ),
    sandbox: str = typer.Option(
        "bwrap", help="bwrap | local | docker | k8s (local only for scripted models)."
    ),
    log_root: Annotated[
        Path | None,
        typer.Option(help="Run directory (default: $IC_LOG_ROOT, else logs/<UTC>_<git hash>)."),
    ] = None,
    resume: bool = typer.Option(
        False, "--resume", help="Continue the run in --log-root (or the latest run)."
    ),
    mode: str = typer.Option(
        None, help="full | selected | smoke (default: full without --task/--variant-id)."
    ),
    message_limit: int = typer.Option(Limits.message_limit, min=1, help="Messages per sample."),
    working_limit: int = typer.Option(
        Limits.working_limit, min=1, help="Working seconds per sample."
    ),
    token_limit: int = typer.Option(None, min=1, help="Tokens per sample."),
    time_limit: int = typer.Option(None, min=1, help="Clock seconds per sample."),
    continuation_message: str = typer.Option(
        None, help="Continuation prompt (off by default; blocks paper claims)."
    ),
    max_continuations: int = typer.Option(
        0, min=0, help="How many continuation prompts a sample may receive."
    ),
    temperature: float = typer.Option(
        None, help="Sampling temperature (provider default when unset)."
    ),
    max_tokens: int = typer.Option(None, min=1, help="Max output tokens per generation."),
    reasoning_effort: str = typer.Option(
        None, help="OpenAI reasoning effort (default: $OPENAI_REASONING_EFFORT)."
    ),
    reasoning_summary: str = typer.Option(
        None, help="OpenAI reasoning summary (default: $OPENAI_REASONING_SUMMARY)."
    ),
    reasoning_tokens: int = typer.Option(
        None, min=1, help="Anthropic thinking budget (default: $ANTHROPIC_REASONING_TOKENS)."
    ),
    memory_mb: int = typer.Option(
        None, "--memory-mb", help="Memory cap per sample in MiB (bwrap; default 2048)."
    ),
    pids_limit: int = typer.Option(
        None, "--pids-limit", help="Process cap per sample (bwrap; default 512)."
    ),
    disk_mb: int = typer.Option(
        None, "--disk-mb", help="Disk cap per sample in MiB, all writable roots (bwrap; 1024)."
    ),
    cpus: float = typer.Option(None, "--cpus", help="CPU cap per sample (bwrap; default 1.0)."),
    max_connections: int = typer.Option(
        DEFAULT_MAX_CONNECTIONS, min=1, help="Concurrent API connections per model."
    ),
    max_samples: int = typer.Option(
        DEFAULT_MAX_SAMPLES, min=1, help="Concurrent samples per task."
    ),
    max_sandboxes: int = typer.Option(
        DEFAULT_MAX_SANDBOXES, min=1, help="Concurrent sandboxes in total."
    ),
    max_tasks: int = typer.Option(DEFAULT_MAX_TASKS, min=1, help="Concurrent task x model evals."),
    retry_attempts: int = typer.Option(3, min=0, help="eval_set retries of a failed task log."),
    retry_on_error: int = typer.Option(
        1, min=0, help="Retries of an errored sample inside one eval."
    ),
    cost_limit: float = typer.Option(
        None, help="Per-sample cost limit in USD (needs model pricing)."
    ),
    model_cost_config: str = typer.Option(
        None, help="Model pricing: YAML/JSON file or JSON string."
    ),
    display: str = typer.Option(None, help="Inspect display: full | rich | plain | log | none."),
    no_analysis: bool = typer.Option(
        False, "--no-analysis", help="Skip the post-run tool-trace analysis."
    ),
) -> None:
    """Run the benchmark on MODEL... with Inspect eval_set (resumable, one eval_set per repeat)."""
    try:
        prepare_environment()
        has_selection = bool(task or variant_id)
        chosen_mode = mode or ("selected" if has_selection else "full")
        generation = GenerationSettings.from_env(
            temperature=temperature,
            max_tokens=max_tokens,
            reasoning_effort=reasoning_effort,
            reasoning_summary=reasoning_summary,
            reasoning_tokens=reasoning_tokens,
        )
        options = RunOptions(
            models=list(models or []),
            tasks=list(task or []) or None,
            variant_ids=list(variant_id or []) or None,
            variant_profile=variant_profile,
            repeats=repeats
            if repeats is not None
            else default_repeats(chosen_mode, env_int("IC_REPEATS")),
            repeats_given=repeats is not None,
            sandbox=sandbox,
            log_root=log_root
            or (Path(os.environ["IC_LOG_ROOT"]) if os.environ.get("IC_LOG_ROOT") else None),
            resume=resume,
            validate_only=validate_only or env_flag("IC_RUN_FULL_EVAL_VALIDATE_ONLY"),
            mode=chosen_mode,
            limits=Limits(
                message_limit=message_limit,
                working_limit=working_limit,
                token_limit=token_limit,
                time_limit=time_limit,
                continuation_message=continuation_message,
                max_continuations=max_continuations,
            ),
            sandbox_limits=SandboxLimits(
                memory_mb=memory_mb, pids_limit=pids_limit, disk_limit_mb=disk_mb, cpus=cpus
            ),
            concurrency=Concurrency(
                max_samples=max_samples,
                max_sandboxes=max_sandboxes,
                max_tasks=max_tasks,
                max_connections=max_connections,
                retry_attempts=retry_attempts,
                retry_on_error=retry_on_error,
                cost_limit=cost_limit,
                model_cost_config=model_cost_config,
            ),
            generation=generation,
            display=display,
            analyze=not no_analysis,
            audit=env_flag("IC_ENABLE_TOOL_TRACE_AUDIT"),
            audit_models=env_list("IC_TOOL_TRACE_AUDIT_MODELS"),
            argv=["ic", *sys.argv[1:]],
        )
        plan = make_plan(options)
    except UsageError as exc:
        raise fail_usage(str(exc)) from None
    if plan.options.validate_only:
        from inspect_ic.runner.preflight import validate_only as run_preflight

        raise typer.Exit(run_preflight(plan))
    from inspect_ic.runner.execute import execute

    try:
        code = execute(plan)
    except UsageError as exc:  # a task rejecting its arguments surfaces only when built
        raise fail_usage(str(exc)) from None
    except OSError as exc:
        if exc.errno not in STORAGE_ERRNOS:
            raise
        typer.echo(
            f"error: the run could not write its files: {exc}; free space and continue with "
            f"ic run --resume --log-root {plan.run_dir}",
            err=True,
        )
        raise typer.Exit(EXIT_FAILED) from None
    raise typer.Exit(code)
