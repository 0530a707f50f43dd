from django.apps import AppConfig


class AuditsConfig(AppConfig):
    name = "audits"
    verbose_name = "Audits and corrective actions"

    def ready(self) -> None:
        from audits import receivers  # noqa: F401 (connects the registry's signals)
