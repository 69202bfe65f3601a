"""The quota_boost task."""
