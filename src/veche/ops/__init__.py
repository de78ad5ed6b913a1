"""Operating Veche: readiness, Prometheus metrics, request ids in JSON logs, backup and restore."""
