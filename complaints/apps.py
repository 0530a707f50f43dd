from django.apps import AppConfig


class ComplaintsConfig(AppConfig):
    name = "complaints"
    verbose_name = "Complaints"

    def ready(self) -> None:
        from complaints import receivers  # noqa: F401 (connects the registry's signals)
        from complaints.escalation import deadline_kinds_register

        deadline_kinds_register()
