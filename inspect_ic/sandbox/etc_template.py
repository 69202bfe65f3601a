"""The jail's ``/etc``: a read-only copy of an allowlist of host files plus project-owned files.

Host profile scripts, credentials, package-manager and VCS configuration never enter the jail.
The template is built once per host process, named by the hash of its contents (so concurrent
processes share it safely) and bound read-only into every jail.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path

# Host /etc entries copied into the template (missing ones are skipped). Symlinks are kept as
# symlinks and resolve inside the jail (e.g. ssl/certs -> /usr/share/ca-certificates).
ETC_ALLOWLIST = (
    "passwd",
    "group",
    "nsswitch.conf",
    "ld.so.cache",
    "ld.so.conf",
    "ld.so.conf.d",
    "ssl",
    "ca-certificates",
    "ca-certificates.conf",
    "localtime",
    "timezone",
    "alternatives",
    "os-release",
    "debian_version",
    "lsb-release",
    "protocols",
    "services",
    "shells",
    "mime.types",
    "login.defs",
    "inputrc",
    "host.conf",
    "gai.conf",
    "networks",
    "terminfo",
    "magic",
    "magic.mime",
    "locale.alias",
    "python3",
    "python3.11",
)

# Never copied even when inside an allowlisted directory: host private keys.
_EXCLUDED = ("ssl/private",)

# Project-owned files: the same on every host, so the jail behaves alike everywhere.
PROJECT_FILES = {
    "profile": (
        "# /etc/profile of the Instrumental Choices sandbox (project-owned; no host profile runs)\n"
        "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin\n"
        "export PATH\n"
        "umask 022\n"
        "if [ -n \"${BASH_VERSION-}\" ]; then PS1='\\u@\\h:\\w\\$ '; fi\n"
    ),
    "bash.bashrc": "# project-owned; intentionally empty\n",
    "hostname": "ic-sandbox\n",
    "hosts": "127.0.0.1\tlocalhost ic-sandbox\n::1\tlocalhost ip6-localhost ip6-loopback\n",
    "resolv.conf": "# no DNS: the sandbox has loopback networking only\n",
}
PROJECT_SYMLINKS = {"mtab": "/proc/self/mounts"}
TEMPLATE_PREFIX = "etc-"


def _ignore_excluded(root: Path) -> Callable[[str, list[str]], set[str]]:
    def ignore(directory: str, names: list[str]) -> set[str]:
        rel = Path(directory).relative_to(root)
        return {n for n in names if (rel / n).as_posix() in _EXCLUDED}

    return ignore


def _copy_allowlist(host_etc: Path, dest: Path) -> None:
    for name in ETC_ALLOWLIST:
        src = host_etc / name
        target = dest / name
        if src.is_symlink():
            os.symlink(os.readlink(src), target)
        elif src.is_dir():
            shutil.copytree(src, target, symlinks=True, ignore=_ignore_excluded(host_etc))
        elif src.is_file():
            shutil.copy2(src, target, follow_symlinks=False)
    for name, text in PROJECT_FILES.items():
        (dest / name).write_text(text, encoding="utf-8")
        os.chmod(dest / name, 0o644)
    for name, link in PROJECT_SYMLINKS.items():
        os.symlink(link, dest / name)


def tree_digest(root: Path) -> str:
    """SHA-256 over relative paths, modes, symlink targets and file contents (hex)."""
    digest = hashlib.sha256()
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames.sort()
        for name in sorted(dirnames + filenames):
            path = Path(dirpath) / name
            st = path.lstat()
            digest.update(f"{path.relative_to(root).as_posix()}\0{st.st_mode:o}\0".encode())
            if path.is_symlink():
                digest.update(os.readlink(path).encode())
            elif path.is_file():
                digest.update(path.read_bytes())
            digest.update(b"\0")
    return digest.hexdigest()


def build_etc_template(base_dir: Path, host_etc: Path = Path("/etc")) -> tuple[Path, str]:
    """Build (or reuse) the template under ``base_dir``; returns ``(path, sha256 hex)``.

    Raises:
        OSError: the template cannot be written.
    """
    staging = Path(tempfile.mkdtemp(prefix=".etc-staging-", dir=base_dir))
    try:
        os.chmod(staging, 0o755)
        _copy_allowlist(host_etc, staging)
        digest = tree_digest(staging)
        final = base_dir / f"{TEMPLATE_PREFIX}{digest[:16]}"
        if final.is_dir():
            return final, digest
        try:
            os.rename(staging, final)
        except OSError:
            # another process won the race with identical contents
            if not final.is_dir():
                raise
            return final, digest
        return final, digest
    finally:
        if staging.exists():
            shutil.rmtree(staging, ignore_errors=True)


def etc_entries(template: Path) -> list[tuple[str, str | None]]:
    """Top-level template entries as ``(name, symlink target or None)``, sorted by name."""
    return [
        (entry.name, os.readlink(entry) if entry.is_symlink() else None)
        for entry in sorted(template.iterdir(), key=lambda p: p.name)
    ]
