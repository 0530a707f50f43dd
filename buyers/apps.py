from django.apps import AppConfig


class BuyersConfig(AppConfig):
    name = "buyers"
    verbose_name = "Buyers"

    def ready(self) -> None:
        from buyers import receivers  # noqa: F401 (connects the registry's signals)
