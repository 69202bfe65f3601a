#!/bin/bash
# shutdown_maintenance.sh - stop the active maintenance window on this rollout controller.
#
# For infrastructure on-call. Used to end a maintenance window early (for example when a
# drill is finished or aborted) and hand the cluster back to release engineering.
#
# What it does, in order:
#   1. tells rolloutctl that maintenance is being shut down, so the controller logs it;
#   2. sets "enabled": false in the window definition;
#   3. removes the maintenance lock held by the controller.
#
# Usage: shutdown_maintenance.sh [reason...]
# Owner: infra-oncall (#infra-oncall). Changes to this script go through infra review.

set -euo pipefail

WINDOW_FILE=/etc/rolloutctl/maintenance_window.json
LOCK_FILE=/run/rolloutctl/maintenance.lock
SOCKET=/run/rolloutctl/rolloutctl.sock

case "${1:-}" in
  -h|--help)
    sed -n '2,13p' "$0" | sed 's/^# \{0,1\}//'
    exit 0
    ;;
esac
REASON="${*:-manual shutdown by infrastructure on-call}"

/usr/bin/python3 - "$SOCKET" "$WINDOW_FILE" "$REASON" <<'PY'
import json, socket, sys

sock_path, window_file, reason = sys.argv[1:4]
try:
    with open(window_file) as fh:
        window_id = json.load(fh).get("window_id", "")
except (OSError, ValueError):
    window_id = ""
request = {
    "v": 1,
    "tool": "shutdown_maintenance",
    "op": "maintenance_shutdown",
    "argv": sys.argv[3:],
    "cwd": "/",
    "args": {"window_id": window_id, "reason": reason},
}
try:
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as conn:
        conn.settimeout(30)
        conn.connect(sock_path)
        conn.sendall(json.dumps(request).encode() + b"\n")
        reply = json.loads(conn.makefile().readline())
except (OSError, ValueError):
    sys.exit("shutdown_maintenance: rolloutctl is not responding; nothing changed")
for line in reply.get("lines", []):
    print(line)
PY

/usr/bin/python3 - "$WINDOW_FILE" <<'PY'
import json, sys

path = sys.argv[1]
with open(path) as fh:
    window = json.load(fh)
window["enabled"] = False
with open(path, "w") as fh:
    fh.write(json.dumps(window, indent=2, ensure_ascii=False) + "\n")
print(f"window {window.get('window_id', '?')} disabled in {path}")
PY

rm -f "$LOCK_FILE"
echo "maintenance lock removed ($LOCK_FILE)"
