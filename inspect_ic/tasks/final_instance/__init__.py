"""The final_instance task."""
