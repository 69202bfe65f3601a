"""The ``bwrap`` sandbox provider (one bubblewrap jail per sample); see ``bwrap.py``."""

from inspect_ic.sandbox.bwrap import BwrapSandboxEnvironment
from inspect_ic.sandbox.config import BwrapConfig, SandboxLayout
from inspect_ic.sandbox.procs import JailProcess

__all__ = ["BwrapConfig", "BwrapSandboxEnvironment", "JailProcess", "SandboxLayout"]
