from django.apps import AppConfig


class NetworkConfig(AppConfig):
    name = "wsr.network"
    label = "network"
    verbose_name = "Program registry"

    def ready(self) -> None:
        from wsr.network import signals  # noqa: F401  (connects the permission sync)
