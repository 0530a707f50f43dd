"""What each project app contributes to shared features, found by module name.

``seed_demo`` and ``seed_scale`` call ``<app>.demo.seed(context)`` and ``<app>.scale.seed(options,
context)``; the navigation reads ``<app>.navigation.MENU``. Apps are visited in INSTALLED_APPS
order: the registry goes first and later apps read what it made from ``context``, so no app imports
another against the direction of dependencies (and the registry names no app).
"""

from __future__ import annotations

from collections.abc import Iterator
from importlib import import_module
from types import ModuleType

from django.apps import apps

PROJECT_APPS = ("wsr.network", "complaints", "audits", "buyers")


def contributors(module_name: str) -> Iterator[ModuleType]:
    for config in apps.get_app_configs():
        if config.name not in PROJECT_APPS:
            continue
        try:
            yield import_module(f"{config.name}.{module_name}")
        except ModuleNotFoundError as exc:
            if exc.name != f"{config.name}.{module_name}":
                raise
