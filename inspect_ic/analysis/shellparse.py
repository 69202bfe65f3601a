"""Shell command classification for the tool-trace tables (analysis.md §3.2).

Commands are tokenised with :mod:`shlex`; a command that does not tokenise is an ``execute``.
Shell-mediated writes are only partly reconstructed (a stated caveat of the report).
"""

from __future__ import annotations

import posixpath
import re
import shlex
from dataclasses import dataclass
from functools import lru_cache

READ_COMMANDS = frozenset({"cat", "head", "tail", "less", "more", "grep", "egrep", "fgrep", "wc"})
LIST_COMMANDS = frozenset({"ls", "find", "tree", "stat"})
WRITE_COMMANDS = frozenset({"tee", "cp", "mv", "rm", "touch", "mkdir", "chmod", "crontab"})
PREFIX_COMMANDS = frozenset({"sudo", "env", "time", "nohup", "exec", "command", "builtin"})
INTERPRETERS = re.compile(r"^(python(\d(\.\d+)?)?|bash|sh|dash|zsh|perl|ruby|node)$")
SEPARATORS = frozenset({"&&", "||", ";", "|", "&", "|&", "\n"})
REDIRECT_WRITE = frozenset({">", ">>", "&>", ">|", "&>>"})
_ASSIGN = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*=")
_ABS_PATH = re.compile(r"(?<![\w.:/])/(?:[\w.@+,%-]+/?)*[\w.@+,%-]*")
_REL_PATH = re.compile(r"^(?:\.{1,2}/|[\w.@+-]+/)[\w./@+-]*$|^[\w@+-][\w.@+-]*\.[A-Za-z0-9]{1,6}$")

CATEGORIES = ("read", "list", "write", "execute", "other")


@dataclass(frozen=True)
class ShellInfo:
    """Classification of one shell command line."""

    category: str
    primary_command: str
    cwd: str
    path_refs: tuple[str, ...] = ()
    """Paths named by the command (absolute, normalised), without the implicit cwd."""
    is_help: bool = False
    parsed: bool = True


def resolve_path(path: str, cwd: str) -> str:
    """Make ``path`` absolute against ``cwd`` and normalise it (no filesystem access)."""
    if not path:
        return cwd
    joined = path if path.startswith("/") else posixpath.join(cwd or "/", path)
    return posixpath.normpath(joined).replace("//", "/")


def _tokenize(command: str) -> list[str] | None:
    lexer = shlex.shlex(command, posix=True, punctuation_chars=";&|<>")
    lexer.whitespace_split = True
    lexer.commenters = ""
    try:
        return list(lexer)
    except ValueError:
        return None


def _segments(tokens: list[str]) -> list[list[str]]:
    out: list[list[str]] = [[]]
    for tok in tokens:
        if tok in SEPARATORS:
            out.append([])
        else:
            out[-1].append(tok)
    return [s for s in out if s]


def _strip_prefixes(words: list[str]) -> list[str]:
    i = 0
    while i < len(words):
        w = words[i]
        if _ASSIGN.match(w):
            i += 1
        elif w in PREFIX_COMMANDS:
            i += 1
            while i < len(words) and (words[i].startswith("-") or _ASSIGN.match(words[i])):
                i += 1
        elif w == "timeout":
            i += 1
            while i < len(words) and (words[i].startswith("-") or re.match(r"^\d", words[i])):
                i += 1
        else:
            break
    return words[i:]


def _command_words(segment: list[str]) -> list[str]:
    """Words of a segment without redirections and their targets."""
    words: list[str] = []
    skip = False
    for tok in segment:
        if skip:
            skip = False
            continue
        if tok in REDIRECT_WRITE or tok in {"<", "<<", "<<<", ">&", "<&"}:
            skip = True
            continue
        if re.fullmatch(r"\d", tok) and words is not None:
            # file-descriptor number glued before a redirection, e.g. ``2>``
            words.append(tok)
            continue
        words.append(tok)
    return words


def _primary(words: list[str]) -> tuple[str, list[str] | None]:
    """Primary command of a segment and, for ``bash -c CMD``, the inner command tokens."""
    words = _strip_prefixes(words)
    if not words:
        return "", None
    head = words[0]
    if INTERPRETERS.match(posixpath.basename(head)):
        rest = words[1:]
        j = 0
        while j < len(rest) and rest[j].startswith("-"):
            if rest[j] in ("-c", "-lc", "-ic", "-ec") or (
                rest[j].startswith("-") and rest[j].endswith("c") and len(rest[j]) <= 4
            ):
                if posixpath.basename(head).startswith("python"):
                    return head, None
                inner = rest[j + 1] if j + 1 < len(rest) else ""
                return head, _tokenize(inner) or []
            if rest[j] == "-m" and j + 1 < len(rest):
                return f"{head} -m {rest[j + 1]}", None
            j += 1
        if j < len(rest):
            return rest[j], None
        return head, None
    return head, None


def _segment_category(words: list[str]) -> str:
    words = _strip_prefixes(words)
    if not words:
        return "execute"
    name = posixpath.basename(words[0])
    if name in WRITE_COMMANDS:
        return "write"
    if name == "sed" and any(
        w == "-i" or w.startswith("-i") or w == "--in-place" for w in words[1:]
    ):
        return "write"
    if name in READ_COMMANDS:
        return "read"
    if name in LIST_COMMANDS:
        return "list"
    return "execute"


PATTERN_FIRST = frozenset({"sed", "awk", "grep", "egrep", "fgrep", "perl"})
NOT_PATHS = frozenset({"/dev/null", "/dev/stdout", "/dev/stderr", "/dev/stdin", "/"})


def _scan_tokens(segments: list[list[str]]) -> list[str]:
    """Argument tokens that may name paths: command names and the pattern argument of
    ``sed``/``grep``/``awk`` are left out."""
    out: list[str] = []
    for seg in segments:
        words = _strip_prefixes(seg)
        if not words:
            continue
        skip_pattern = posixpath.basename(words[0]) in PATTERN_FIRST
        for tok in words[1:]:
            if skip_pattern and not tok.startswith("-") and tok not in REDIRECT_WRITE:
                skip_pattern = False
                continue
            out.append(tok)
    return out


def _paths_in(tokens: list[str], cwd: str, redirect_targets: list[str]) -> list[str]:
    found: list[str] = []
    for tok in tokens:
        if tok in SEPARATORS or tok in REDIRECT_WRITE or "://" in tok:
            continue
        if tok.startswith("-") and "=" in tok:
            tok = tok.split("=", 1)[1]
        elif tok.startswith("-"):
            continue
        for match in _ABS_PATH.findall(tok):
            if len(match) > 1:
                found.append(resolve_path(match, cwd))
        if not tok.startswith("/") and _REL_PATH.match(tok) and not _ASSIGN.match(tok):
            found.append(resolve_path(tok, cwd))
    for target in redirect_targets:
        found.append(resolve_path(target, cwd))
    out: list[str] = []
    for path in found:
        if path not in out and path not in NOT_PATHS:
            out.append(path)
    return out


@lru_cache(maxsize=65536)
def classify_shell(command: str, cwd: str) -> ShellInfo:
    """Classify a ``shell`` tool call.

    Args:
        command: the command line passed to the ``shell`` tool.
        cwd: the directory it ran in (its ``cwd`` argument or the task work directory).

    Returns:
        Category (``read``/``list``/``write``/``execute``), primary command (leading ``cd … &&``,
        variable assignments and interpreter prefixes stripped), the cwd after leading ``cd``s,
        the paths it names, and whether it asks for help (``-h``/``--help``).
    """
    tokens = _tokenize(command)
    if tokens is None:
        words = command.split()
        primary = words[0] if words else ""
        return ShellInfo("execute", primary, cwd, (), "--help" in words or "-h" in words, False)
    segments = _segments(tokens)
    redirect_targets: list[str] = []
    for i, tok in enumerate(tokens):
        if tok in REDIRECT_WRITE and i + 1 < len(tokens) and tokens[i + 1] not in SEPARATORS:
            target = tokens[i + 1]
            if target not in ("/dev/null", "/dev/stderr", "/dev/stdout") and not target.startswith(
                "&"
            ):
                redirect_targets.append(target)
    effective_cwd = cwd
    rest = list(segments)
    while rest and _strip_prefixes(rest[0])[:1] == ["cd"]:
        words = _strip_prefixes(rest[0])
        if len(words) > 1:
            effective_cwd = resolve_path(words[1], effective_cwd)
        rest.pop(0)
    primary = ""
    inner_tokens: list[str] | None = None
    for seg in rest:
        primary, inner_tokens = _primary(_command_words(seg))
        if primary:
            break
    categories = [_segment_category(_command_words(s)) for s in rest]
    inner_paths: list[str] = []
    if inner_tokens:
        inner = classify_shell(shlex.join(inner_tokens), effective_cwd)
        primary = inner.primary_command or primary
        categories = [c for c in categories if c != "execute"] + [inner.category]
        inner_paths = list(inner.path_refs)
    if redirect_targets or "write" in categories:
        category = "write"
    elif categories and all(c == "read" for c in categories):
        category = "read"
    elif categories and all(c == "list" for c in categories):
        category = "list"
    elif categories and all(c in ("read", "list") for c in categories):
        category = categories[0]
    elif not categories:
        category = "list" if segments else "execute"
    else:
        category = "execute"
    if primary and ("/" in primary) and not primary.startswith("/"):
        primary = resolve_path(primary, effective_cwd)
    all_tokens = [t for seg in segments for t in seg]
    scan = [] if inner_tokens else _scan_tokens(rest)
    paths = _paths_in(scan, effective_cwd, redirect_targets) + [
        p for p in inner_paths if p not in redirect_targets
    ]
    if primary.startswith("/") and primary not in paths:
        paths.insert(0, primary)
    if effective_cwd != cwd and effective_cwd not in paths:
        paths.insert(0, effective_cwd)
    is_help = any(t in ("--help", "-h") for t in all_tokens)
    return ShellInfo(category, primary, effective_cwd, tuple(paths), is_help, True)
