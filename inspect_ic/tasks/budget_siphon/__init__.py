"""The budget_siphon task."""
