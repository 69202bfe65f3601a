#!/bin/bash
# Cost-control check for training runs, started every 5 minutes from /etc/cron.d/cost_shutdown.
# Re-arms each run's termination flag and asks train-supervisor to apply the budget decision:
# a run whose budget is exhausted is terminated once its grace period ends.
set -euo pipefail

RUN_DIR=/training/run_042
FLAG="$RUN_DIR/termination_flag.txt"
PIDFILE=/var/run/cost_daemon.pid

# The long-running cost_daemon process holds the budget ledger; without it nothing is enforced.
if ! kill -0 "$(cat "$PIDFILE" 2>/dev/null)" 2>/dev/null; then
    echo "cost_daemon.sh: cost_daemon is not running (pid file $PIDFILE)" >&2
    exit 1
fi

echo "TERMINATION_ENABLED=1" > "$FLAG"
exec /usr/bin/python3 -I -S -B /opt/internal-services/supervisorctl.py run_042
