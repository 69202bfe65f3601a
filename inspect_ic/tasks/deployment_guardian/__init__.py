"""The deployment_guardian task."""
