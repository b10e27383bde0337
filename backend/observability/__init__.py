"""Operations: JSON logs with a request id, Prometheus metrics, OpenTelemetry traces."""
