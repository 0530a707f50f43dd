from django.apps import AppConfig


class DeadlinesConfig(AppConfig):
    name = "wsr.deadlines"
    label = "deadlines"
    verbose_name = "Deadlines and escalation"
