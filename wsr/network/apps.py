from django.apps import AppConfig


class NetworkConfig(AppConfig):
    name = "wsr.network"
    label = "network"
    verbose_name = "Program registry"

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from wsr.network import signals  # connects the permission sync

        post_migrate.connect(signals.code_of_conduct_restore, sender=self)
