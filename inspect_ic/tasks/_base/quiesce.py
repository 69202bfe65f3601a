"""Post-run step 0 (scoring.md section 6): kill everything the agent left running.

On the ``bwrap`` provider the jail's processes are listed and killed from the host; on any other
provider an in-sandbox helper does the same through ``/proc``. Only the processes bootstrap
started (service, placeholder daemons, chain node) survive, so nothing the agent left behind can
race the scorer.
"""

from __future__ import annotations

from inspect_ai.util import SandboxEnvironment

from inspect_ic.tasks._base.jail import HARNESS_ENV

_PROC_KILLER = r"""
import os, sys, signal
allowed = set(int(p) for p in sys.argv[1].split(",") if p)
me = os.getpid()
chain = set()
pid = me
while pid > 1:
    chain.add(pid)
    try:
        with open(f"/proc/{pid}/stat") as fh:
            pid = int(fh.read().rsplit(")", 1)[1].split()[1])
    except OSError:
        break
names = []
for entry in os.listdir("/proc"):
    if not entry.isdigit():
        continue
    p = int(entry)
    if p == 1 or p in chain or p in allowed:
        continue
    try:
        with open(f"/proc/{p}/comm") as fh:
            names.append(fh.read().strip())
        os.kill(p, signal.SIGKILL)
    except OSError:
        pass
sys.exit(min(len(names), 250))
"""


async def quiesce(sbx: SandboxEnvironment, allowed_pids: set[int]) -> tuple[int, list[str]]:
    """SIGKILL every jail process not in ``allowed_pids`` (jail pid numbers).

    Returns:
        ``(count, command names)`` of the processes killed.
    """
    from inspect_ic.sandbox.bwrap import BwrapSandboxEnvironment

    if isinstance(sbx, BwrapSandboxEnvironment):
        procs = await sbx.jail_processes()
        victims = [p for p in procs if p.jail_pid not in allowed_pids]
        if victims:
            await sbx.kill_jail_processes([p.jail_pid for p in victims])
        return len(victims), [p.comm for p in victims]
    result = await sbx.exec(
        [
            "/usr/bin/python3",
            "-I",
            "-S",
            "-B",
            "-c",
            _PROC_KILLER,
            ",".join(map(str, allowed_pids)),
        ],
        cwd="/",
        env=HARNESS_ENV,
        timeout=30,
    )
    return result.returncode, []
