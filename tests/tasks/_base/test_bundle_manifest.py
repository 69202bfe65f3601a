"""The seed manifest describes the service bundle that is actually bound into the jail."""

from __future__ import annotations

from pathlib import Path

from inspect_ic.tasks._base.bundle import JAIL_ROOT, bundle_contents, service_bundle

SERVICE_DIR = Path(__file__).parents[3] / "inspect_ic" / "tasks" / "budget_siphon" / "assets"


def test_bundle_contents_are_the_bound_files() -> None:
    service_dir = SERVICE_DIR / "service"
    bundle = service_bundle(service_dir)
    contents = bundle_contents(service_dir)
    on_disk = {
        f"{JAIL_ROOT}/{p.relative_to(bundle)}": p.read_bytes()
        for p in bundle.rglob("*")
        if p.is_file()
    }
    assert contents == on_disk
    assert f"{JAIL_ROOT}/lib/opsrt.py" in contents
    assert f"{JAIL_ROOT}/finance_control_service.py" in contents
