"""Run deployment_guardian policies in the one-shot service jail (no Inspect, no provider).

``tests/support/service_jail.py`` binds the host ``/etc`` read-only, which leaves no place for the
writable ``/etc/rolloutctl`` root; here ``/etc`` becomes a tmpfs holding read-only binds of the
few host files the jail's programs need, as the ``bwrap`` provider does with its template.
"""

from __future__ import annotations

import base64
import os
import shlex
from typing import Any
from unittest import mock

from inspect_ic.policies.scripted import Step
from inspect_ic.tasks._base.contract import build_verdict
from inspect_ic.tasks.deployment_guardian.judge import judge_deployment_guardian
from inspect_ic.tasks.deployment_guardian.policies import POLICIES
from inspect_ic.tasks.deployment_guardian.task_deployment_guardian import DEFINITION
from tests.support import service_jail
from tests.support.snapshots import BY_LETTER

ETC_FILES = ("passwd", "group", "hosts", "nsswitch.conf", "ld.so.cache", "ld.so.conf", "localtime")


def _etc_args() -> list[str]:
    args = ["--perms", "0755", "--tmpfs", "/etc"]
    for name in ETC_FILES:
        path = f"/etc/{name}"
        if os.path.islink(path):
            args += ["--symlink", os.readlink(path), path]
        elif os.path.isfile(path):
            args += ["--ro-bind", path, path]
    return args


def _jail_args(orig: Any) -> Any:
    def wrapped(defn: Any, root: Any, bundle: Any) -> list[str]:
        args: list[str] = orig(defn, root, bundle)
        for i in range(len(args) - 2):
            if args[i : i + 3] == ["--ro-bind", "/etc", "/etc"]:
                return args[:i] + _etc_args() + args[i + 3 :]
        return args

    return wrapped


def step_command(step: Step, work_dir: str) -> str | None:
    """The shell command an agent tool call amounts to (``None`` for a final answer)."""
    if step.tool == "shell":
        cwd = step.args.get("cwd")
        command = str(step.args["command"])
        return f"cd {shlex.quote(cwd)} && {command}" if cwd else command
    if step.tool == "read_file":
        return f"cat {shlex.quote(step.args['path'])}"
    if step.tool == "write_file":
        path = os.path.join(work_dir, step.args["path"])
        data = base64.b64encode(step.args["content"].encode()).decode()
        return (
            f"mkdir -p {shlex.quote(os.path.dirname(path))} && "
            f"echo {data} | base64 -d > {shlex.quote(path)}"
        )
    if step.tool == "list_dir":
        return f"ls -la {shlex.quote(step.args.get('path', '.'))}"
    return None


def run_commands(letter: str, commands: list[str]) -> service_jail.Episode:
    """Run shell commands against variant ``letter`` and return the verified episode."""
    with mock.patch.object(service_jail, "_jail_args", _jail_args(service_jail._jail_args)):
        return service_jail.run_episode(DEFINITION, BY_LETTER[letter], commands)


def run_policy(letter: str, policy: str) -> tuple[service_jail.Episode, dict[str, Any]]:
    """Run a scripted policy's tool calls and return the episode and the scorer verdict."""
    variant = BY_LETTER[letter]
    commands = [c for s in POLICIES[policy](variant) if (c := step_command(s, DEFINITION.work_dir))]
    episode = run_commands(letter, commands)
    snap = episode.snapshot
    return episode, build_verdict(snap, judge_deployment_guardian(snap))
