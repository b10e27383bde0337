"""The development trace collector: receives OpenTelemetry traces over OTLP/HTTP (protobuf or
JSON) from the API and the worker, keeps the last ones in memory and shows them on a page.
``prepare`` returns the server and the environment Trekant needs
(``OTEL_EXPORTER_OTLP_ENDPOINT``). For production, point that variable at a real collector
(Jaeger, Tempo, the OpenTelemetry Collector): the protocol is the same."""

from __future__ import annotations

from pathlib import Path

from infra.devprocess import DevProcess


class DevCollector(DevProcess):
    def __init__(self, port: int, keep: int) -> None:
        self.port = port
        super().__init__(
            "development trace collector",
            "infra.otel.server",
            ["--port", str(port), "--keep", str(keep)],
            f"http://127.0.0.1:{port}/health",
        )

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"


def prepare(data_dir: Path, port: int, keep: int = 200) -> tuple[DevCollector, dict[str, str]]:
    env = {"OTEL_EXPORTER_OTLP_ENDPOINT": f"http://127.0.0.1:{port}"}
    return DevCollector(port, keep), env
