"""Production configuration for the steps: settings, ASGI entry point, supervisor and nginx (docs/deploying.md)."""
