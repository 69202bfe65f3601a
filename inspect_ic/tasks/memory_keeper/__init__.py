"""The memory_keeper task."""
