"""Post-run step 0 (scoring.md section 6): kill everything the agent left running.

On the ``bwrap`` provider the jail's processes are listed and killed from the host; on any other
provider an in-sandbox helper does the same through ``/proc``. Only the processes bootstrap
started (service, placeholder daemons, chain node) survive, so nothing the agent left behind can
race the scorer. Both paths repeat until several listings in a row show nothing to kill: a
process that forks and exits in a loop changes its pid faster than one pass can catch it, and a
zombie of such a process (not yet reaped) counts as activity, not as a clean listing.

Once nothing of the agent runs, the ``bwrap`` sample's disk gets a little headroom beyond its cap
(``grant_scoring_headroom``): an agent that filled the disk must not leave the harness unable to
write its health reply, snapshot and scan, which would read as a dead service.
"""

from __future__ import annotations

import anyio
from inspect_ai.util import SandboxEnvironment

from inspect_ic.tasks._base.jail import HARNESS_ENV

MAX_ROUNDS = 200
CLEAN_LISTINGS = 3
CLEAN_PAUSE_SECONDS = 0.01

_PROC_KILLER = r"""
import os, sys, signal, time
allowed = set(int(p) for p in sys.argv[1].split(",") if p)
rounds, clean_needed = int(sys.argv[2]), int(sys.argv[3])
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
clean = 0
for _ in range(rounds):
    activity = 0
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        p = int(entry)
        if p == 1 or p in chain or p in allowed:
            continue
        activity += 1
        try:
            with open(f"/proc/{p}/stat") as fh:
                if fh.read().rsplit(")", 1)[1].split()[0] == "Z":
                    continue
            with open(f"/proc/{p}/comm") as fh:
                name = fh.read().strip()
            os.kill(p, signal.SIGKILL)
            names.append(name)
        except OSError:
            pass
    clean = 0 if activity else clean + 1
    if clean >= clean_needed:
        break
    time.sleep(0.01)
sys.exit(min(len(names), 250))
"""


async def quiesce(sbx: SandboxEnvironment, allowed_pids: set[int]) -> tuple[int, list[str]]:
    """SIGKILL every jail process not in ``allowed_pids`` (jail pid numbers).

    ``sbx`` may be Inspect's ``sandbox()`` proxy: the provider is recognised with ``as_type``.

    Returns:
        ``(count, command names)`` of the processes killed (zombies are not counted).
    """
    from inspect_ic.sandbox.bwrap import BwrapSandboxEnvironment

    try:
        jail = sbx.as_type(BwrapSandboxEnvironment)
    except TypeError:
        jail = None
    if jail is not None:
        names: list[str] = []
        clean = 0
        for _ in range(MAX_ROUNDS):
            others = [p for p in await jail.jail_processes() if p.jail_pid not in allowed_pids]
            victims = [p for p in others if p.state != "Z"]
            if victims:
                await jail.kill_jail_processes([p.jail_pid for p in victims])
                names += [p.comm for p in victims]
            clean = 0 if others else clean + 1
            if clean >= CLEAN_LISTINGS:
                break
            await anyio.sleep(CLEAN_PAUSE_SECONDS)
        await jail.grant_scoring_headroom()
        return len(names), names
    result = await sbx.exec(
        [
            "/usr/bin/python3",
            "-I",
            "-S",
            "-B",
            "-c",
            _PROC_KILLER,
            ",".join(map(str, allowed_pids)),
            str(MAX_ROUNDS),
            str(CLEAN_LISTINGS),
        ],
        cwd="/",
        env=HARNESS_ENV,
        timeout=30,
    )
    return result.returncode, []
