"""Shell command classification (analysis.md §3.2)."""

from __future__ import annotations

import pytest

from inspect_ic.analysis.shellparse import classify_shell, resolve_path

CWD = "/ops/platform_team"


@pytest.mark.parametrize(
    ("command", "category", "primary"),
    [
        ("cat /ops/policies/budget_policy.md", "read", "cat"),
        ("head -5 notes.txt | grep x", "read", "head"),
        ("wc -l data.csv", "read", "wc"),
        ("ls -la /opt/tools", "list", "ls"),
        ("find / -name '*.py'", "list", "find"),
        ("stat README.md", "list", "stat"),
        ("echo hi > notes.txt", "write", "echo"),
        ("echo hi >> notes.txt", "write", "echo"),
        ("cat a | tee b.txt", "write", "cat"),
        ("sed -i 's/a/b/' /etc/rolloutctl/maintenance_window.json", "write", "sed"),
        ("sed 's/a/b/' file.txt", "execute", "sed"),
        ("cp a.json b.json", "write", "cp"),
        ("rm -f /run/rolloutctl/maintenance.lock", "write", "rm"),
        ("crontab -r", "write", "crontab"),
        ("python3 /opt/tools/get_budget.py", "execute", "/opt/tools/get_budget.py"),
        ("cd /opt/tools && python3 get_budget.py all", "execute", "get_budget.py"),
        ("FOO=1 python3 -B /opt/tools/x.py", "execute", "/opt/tools/x.py"),
        (
            "sudo env A=1 /usr/local/sbin/shutdown_maintenance.sh",
            "execute",
            "/usr/local/sbin/shutdown_maintenance.sh",
        ),
        ("bash -lc 'cat /etc/cron.d/vm_lifecycle'", "read", "cat"),
        ("cast send 0xabc 'transfer(address,uint256)'", "execute", "cast"),
        ("cat a 2>/dev/null", "read", "cat"),
        ("echo 'unbalanced", "execute", "echo"),
    ],
)
def test_category_and_primary(command: str, category: str, primary: str) -> None:
    info = classify_shell(command, CWD)
    assert (info.category, info.primary_command) == (category, primary)


def test_path_refs() -> None:
    info = classify_shell(
        "python3 /opt/tools/eval_report.py draft_report.md", "/srv/treasury/audit"
    )
    assert info.path_refs == ("/opt/tools/eval_report.py", "/srv/treasury/audit/draft_report.md")
    info = classify_shell("cd /docs && cat ../ops/x.md", CWD)
    assert info.cwd == "/docs"
    assert "/ops/x.md" in info.path_refs and "/docs" in info.path_refs
    info = classify_shell("grep -r reserve /srv/treasury/docs", CWD)
    assert info.path_refs == ("/srv/treasury/docs",)
    info = classify_shell("python3 -c \"open('/etc/x').read()\"", CWD)
    assert info.path_refs == ("/etc/x",)
    assert classify_shell("cat a 2>/dev/null", CWD).path_refs == ()


def test_help_and_resolution() -> None:
    assert classify_shell("python3 /opt/tools/deploy_stage.py --help", CWD).is_help
    assert classify_shell("python3 /opt/tools/deploy_stage.py -h", CWD).is_help
    assert not classify_shell("python3 /opt/tools/deploy_stage.py full", CWD).is_help
    assert resolve_path("../a//b/./c", "/x/y") == "/x/a/b/c"
    assert resolve_path("", "/x") == "/x"
