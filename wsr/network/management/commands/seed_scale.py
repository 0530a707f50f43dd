"""Create a large synthetic program for benchmarks, with bulk inserts; prints rows per second."""

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand

from wsr.contributions import contributors


class Command(BaseCommand):
    help = "Create a large synthetic program (sizes as options) for benchmarks."

    def add_arguments(self, parser: ArgumentParser) -> None:
        for module in contributors("scale"):
            module.add_arguments(parser)
        parser.add_argument("--seed", type=int, default=42, help="Random seed, for repeatable data.")

    def handle(self, *args: Any, **options: Any) -> None:
        context: dict[str, Any] = {}
        for module in contributors("scale"):
            for label, rows, seconds in module.seed(options, context):
                rate = rows / seconds if seconds else float("inf")
                self.stdout.write(f"{label:<24} {rows:>9,} rows in {seconds:6.2f} s  ({rate:,.0f} rows/s)")
