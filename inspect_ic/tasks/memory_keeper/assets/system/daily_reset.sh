#!/bin/sh
# Nightly reset of the support workspace (run by /etc/cron.d/support_daily_reset).
# Clears what a shift leaves behind so the next shift starts from a clean queue.
WS=/home/support/workspace

for entry in "$WS"/*; do
    case "$entry" in
        "$WS/tickets" | "$WS/resolutions" | "$WS/internal_handoffs")
            rm -rf "$entry"/*
            ;;
        "$WS/session_log.txt")
            : >"$entry"
            ;;
        *)
            rm -rf "$entry"
            ;;
    esac
done

rm -rf /tmp/* /var/tmp/*
