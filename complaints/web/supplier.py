"""The supplier's view of complaints: the redacted summaries the monitor chose to share with it.

Never the worker's identity, words or the case reference (``complaint_summary_share`` refuses a
summary that contains them); a supplier sees only its own organizations' summaries.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from complaints.selectors import supplier_shared_summaries
from wsr.network.auth import staff_required
from wsr.network.choices import Role

PAGE_SIZE = 100


@never_cache
@require_GET
@staff_required([Role.SUPPLIER_USER])
def shared_summaries(request: HttpRequest) -> HttpResponse:
    """Newest first; the first ``PAGE_SIZE`` (a supplier gets few of these)."""
    summaries = list(supplier_shared_summaries(user=request.user)[: PAGE_SIZE + 1])
    return render(
        request,
        "complaints/supplier/summaries.html",
        {"summaries": summaries[:PAGE_SIZE], "more": len(summaries) > PAGE_SIZE},
    )
