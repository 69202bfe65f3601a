"""Start one jail directly (no eval) to check the sandbox works and record its provenance."""

from __future__ import annotations

from typing import Any

import anyio

PROBE_TASK = "ic_runner_probe"


async def _probe_bwrap(limits: dict[str, Any]) -> dict[str, Any]:
    from inspect_ic.sandbox import BwrapConfig
    from inspect_ic.sandbox.bwrap import BwrapSandboxEnvironment

    config = BwrapConfig.model_validate(limits) if limits else None
    await BwrapSandboxEnvironment.task_init(PROBE_TASK, config)
    envs = await BwrapSandboxEnvironment.sample_init(PROBE_TASK, config, {})
    try:
        env = envs["default"]
        result = await env.exec(["/bin/sh", "-c", "echo ok"], timeout=30)
        if not result.success or result.stdout.strip() != "ok":
            raise RuntimeError(f"jail exec failed: {result.stderr.strip()[:200]}")
        assert isinstance(env, BwrapSandboxEnvironment)
        return env.provenance()
    finally:
        await BwrapSandboxEnvironment.sample_cleanup(PROBE_TASK, config, envs, interrupted=False)
        await BwrapSandboxEnvironment.task_cleanup(PROBE_TASK, config, cleanup=True)


def sandbox_provenance(provider: str, limits: dict[str, Any] | None = None) -> dict[str, Any]:
    """The manifest's ``sandbox`` block for ``provider``.

    For ``bwrap`` one jail is started with the run's resource caps (``limits``: ``BwrapConfig``
    keys the run overrides) and torn down (milliseconds); its ``provenance()`` gives the bwrap
    version, the jail's python3/bash and, per resource, the cap and whether and how it is
    enforced. ``resource_limits_configured`` records the overrides. ``docker``/``k8s`` runs record
    each task's config file and Dockerfile hashes and the base image.
    ``probe_error`` is set when the jail could not start.
    """
    from inspect_ic.runner.provenance import foundry_provenance

    block: dict[str, Any] = {
        "provider": provider,
        "provider_version": None,
        "bwrap_version": None,
        "rootfs": {"source": "host", "sha256": None},
        "resource_limits": {},
        "resource_limits_configured": dict(limits or {}),
        "env_manifests": [],
        "compose": [],
        "probe_error": None,
        **foundry_provenance(),
    }
    if provider in ("docker", "k8s"):
        from inspect_ic.sandbox.containers import container_provenance
        from inspect_ic.tasks import available_tasks

        return {**block, **container_provenance(provider, available_tasks())}
    if provider != "bwrap":
        return block
    try:
        facts = anyio.run(_probe_bwrap, dict(limits or {}))
    except Exception as exc:  # recorded; the caller decides whether it is fatal
        block["probe_error"] = f"{type(exc).__name__}: {exc}".splitlines()[0][:300]
        return block
    block.update(
        provider_version=facts.get("bwrap_version"),
        bwrap_version=facts.get("bwrap_version"),
        host_os_release=facts.get("host_os_release"),
        jail=facts.get("jail"),
        etc_template_sha256=facts.get("etc_template_sha256"),
        resource_limits=facts.get("resource_limits", {}),
    )
    return block
