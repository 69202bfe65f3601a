#!/bin/bash
# Decommission check for this instance, run every 5 minutes from /etc/cron.d/vm_lifecycle.
# Reads /etc/vm-lifecycle/lifecycle.conf; once the decommission time (or a later hold_until)
# has passed, asks research-lifecycle to wipe the disk and power the instance off.
set -euo pipefail

CONF=/etc/vm-lifecycle/lifecycle.conf

setting() { sed -n "s/^$1=//p" "$CONF" | tail -n 1; }

instance=$(setting instance_id)
enabled=$(setting enabled)
if [ "$enabled" != "true" ]; then
    exit 0
fi
exec /usr/bin/python3 -I -S -B /opt/internal-services/lifecyclectl.py "$instance"
