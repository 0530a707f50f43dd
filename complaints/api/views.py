"""``/api/v1/complaints/``: the monitor's queue and case actions, for monitor staff only.

Who may use it: the monitor lead and admins (every case), investigators (their own cases and
unassigned ones). For anyone else signed in, the list is empty and every case answers 404, exactly
like a missing one; anonymous callers get 401. Transitions answer 409 when the case is not in a
status the action starts from, 400 for bad input, 403 when the role may not do it (closing a
zero-tolerance case is the lead's). No response ever carries a complainant's phone or name.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, cast

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import exceptions, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from complaints import workflow
from complaints.actions import CASE_ACTIONS
from complaints.api import serializers as s
from complaints.choices import Channel, Language, Status
from complaints.models import Complaint
from complaints.selectors import QueueFilters, complaint_queue, complaint_queue_counts, complaint_timeline
from wsr.api import RestrictedViewSetMixin
from wsr.network.choices import Severity
from wsr.network.models import User

WHO = (
    " Monitor lead and admins: every case; investigators: their own and unassigned cases; anyone else: "
    "404 (an empty list for the list)."
)
CHANGE = " Needs the right to change the case (lead, or the investigator it is assigned to, or unassigned)."


class Conflict(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = "The case is not in a status this action starts from."
    default_code = "illegal_transition"


QUEUE_PARAMETERS = [
    OpenApiParameter(
        "status", str, many=True,
        description="Status to show (repeatable): one of " + ", ".join(Status.values) + ", or `open` (default) "
        "or `all`.",
    ),
    OpenApiParameter("severity", str, enum=Severity.values),
    OpenApiParameter("standard", str, description="Standard code, e.g. ZT-1."),
    OpenApiParameter("supplier", OpenApiTypes.UUID),
    OpenApiParameter("worksite", str, description="Worksite code, e.g. RF101."),
    OpenApiParameter("language", str, enum=Language.values),
    OpenApiParameter("channel", str, enum=Channel.values),
    OpenApiParameter("assignee", str, enum=["mine", "unassigned"]),
    OpenApiParameter("overdue", bool, description="Only cases whose current deadline has passed."),
    OpenApiParameter("q", str, description="Full-text search in references, descriptions and messages."),
    OpenApiParameter("cursor", str, description="Opaque cursor from `next`."),
    OpenApiParameter("limit", int, description="Page size, at most 100 (default 50)."),
]  # fmt: skip


def _detail_schema(summary: str, request: Any, extra: str = "") -> Any:
    return extend_schema(
        summary=summary,
        request=request,
        responses={200: s.ComplaintDetailSerializer},
        description=summary + "." + extra + CHANGE + " 409 if the case is in the wrong status.",
    )


@extend_schema_view(
    retrieve=extend_schema(summary="One case by reference", description="One case by its reference." + WHO),
)
class ComplaintViewSet(RestrictedViewSetMixin, viewsets.GenericViewSet):  # type: ignore[type-arg,misc]
    queryset = Complaint.objects.select_related(
        "worksite__supplier__organization", "standard", "assignee"
    ).prefetch_related("findings__standard", "remedies__finding", "linked")
    serializer_class = s.ComplaintDetailSerializer
    lookup_field = "reference"
    lookup_value_regex = "[A-Za-z0-9]{1,20}"
    filter_backends: list[Any] = []

    # --- reads ------------------------------------------------------------------------------------

    @extend_schema(
        summary="The triage queue",
        description="Cases by urgency (severity, then the current deadline; overdue first), keyset-paginated, "
        "with the queue's filters." + WHO,
        parameters=QUEUE_PARAMETERS,
        responses={200: s.ComplaintPageSerializer},
    )
    def list(self, request: Request) -> Response:
        filters = QueueFilters.from_params(request.query_params)
        page = complaint_queue(user=request.user, filters=filters)
        next_url = None
        if page.next_cursor:
            params = request.query_params.copy()
            params["cursor"] = page.next_cursor
            next_url = request.build_absolute_uri(request.path) + "?" + params.urlencode()
        rows = s.ComplaintListSerializer(page.rows, many=True, context={"now": page.now}).data
        return Response({"next": next_url, "results": rows})

    @extend_schema(
        summary="Counts beside the queue's filters",
        description="Cases per status, open, overdue, mine and unassigned, under the other filters." + WHO,
        parameters=QUEUE_PARAMETERS,
        responses={200: {"type": "object", "additionalProperties": {"type": "integer"}}},
    )
    @action(detail=False, methods=["get"])
    def counts(self, request: Request) -> Response:
        return Response(
            complaint_queue_counts(user=request.user, filters=QueueFilters.from_params(request.query_params))
        )

    def retrieve(self, request: Request, reference: str) -> Response:
        return self._detail(self.get_object())

    @extend_schema(
        summary="The case timeline",
        description="Events and messages of the case, oldest first; notes are internal." + WHO,
        responses={200: s.TimelineEntrySerializer(many=True)},
    )
    @action(detail=True, methods=["get"])
    def timeline(self, request: Request, reference: str) -> Response:
        complaint = self.get_object()
        return Response([s.TimelineEntrySerializer.from_entry(e) for e in complaint_timeline(complaint=complaint)])

    # --- writes -----------------------------------------------------------------------------------

    def _detail(self, complaint: Complaint) -> Response:
        fresh = self.get_queryset().get(pk=complaint.pk)
        return Response(s.ComplaintDetailSerializer(fresh, context={"now": timezone.now()}).data)

    def _act(
        self,
        request: Request,
        reference: str,
        input_class: type[serializers.Serializer] | None,  # type: ignore[type-arg]
        call: Callable[[Complaint, dict[str, Any]], Any],
    ) -> Response:
        complaint = self.get_object()
        data: dict[str, Any] = {}
        if input_class is not None:
            serializer = input_class(data=request.data)
            serializer.is_valid(raise_exception=True)
            data = dict(serializer.validated_data)
        try:
            call(complaint, data)
        except workflow.IllegalTransition as exc:
            raise Conflict(str(exc)) from exc
        except DjangoValidationError as exc:
            detail = exc.message_dict if hasattr(exc, "error_dict") else exc.messages
            raise exceptions.ValidationError(detail) from exc
        return self._detail(complaint)


# The API's input and path for each of ``CASE_ACTIONS`` (a test holds the keys equal).
API_INPUTS: dict[str, type[serializers.Serializer]] = {  # type: ignore[type-arg]
    "reply": s.ReplyInput,
    "note": s.NoteInput,
    "triage": s.TriageInput,
    "assign": s.AssignInput,
    "start_investigation": s.ReasonInput,
    "resolve": s.ReasonInput,
    "mark_not_substantiated": s.ReasonInput,
    "refer": s.ReferInput,
    "close": s.ReasonInput,
    "reopen": s.RequiredReasonInput,
    "finding": s.FindingInput,
    "remedy": s.RemedyInput,
    "remedy_verify": s.RemedyVerifyInput,
    "link": s.LinkInput,
    "share": s.ShareInput,
}
API_PATHS = {
    "note": "notes",
    "finding": "findings",
    "remedy": "remedies",
    "remedy_verify": "verify-remedy",
    "mark_not_substantiated": "not-substantiated",
}
API_NOTES = {
    "reply": " Recorded first and sent by SMS after commit, in whatever language the body is written; not sent if "
    "she opted out. 400 if the worker has no phone.",
    "triage": " Sets the standard (severity, deadlines), scope, worksite.",
    "assign": " The lead assigns anyone; an investigator takes a case.",
    "resolve": " Needs a substantiated finding.",
    "close": " A zero-tolerance case is closed by the lead only (403).",
    "finding": " A substantiated zero-tolerance finding proposes suspending the supplier.",
    "remedy": " Back pay needs an amount and a currency.",
    "link": " Both cases must be yours to change.",
    "share": " Refused (400) if the text holds the worker's name, phone, words or the case reference.",
}


def _endpoint(name: str) -> Any:
    """The POST endpoint of ``CASE_ACTIONS[name]`` on a case."""
    case_action, input_class = CASE_ACTIONS[name], API_INPUTS[name]

    def endpoint(self: ComplaintViewSet, request: Request, reference: str) -> Response:
        return self._act(request, reference, input_class, lambda c, d: case_action.run(c, _actor(request), d))

    endpoint.__name__ = endpoint.__qualname__ = name
    # @action first: it sets the function's kwargs, to which extend_schema then adds the schema.
    routed = action(detail=True, methods=["post"], url_path=API_PATHS.get(name, name.replace("_", "-")))(endpoint)
    return _detail_schema(case_action.label, input_class, API_NOTES.get(name, ""))(routed)


for _name in CASE_ACTIONS:
    setattr(ComplaintViewSet, _name, _endpoint(_name))


def _actor(request: Request) -> User:
    """The signed-in user (the restricted queryset already turned everyone else away)."""
    return cast(User, request.user)
