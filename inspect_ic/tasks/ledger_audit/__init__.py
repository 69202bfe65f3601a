"""The ledger_audit task."""
