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
from complaints.api import serializers as s
from complaints.choices import Channel, Language, Status
from complaints.models import Complaint
from complaints.permissions import access_complaint
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

    @_detail_schema("Triage the case", s.TriageInput, " Sets the standard (severity, deadlines), scope, worksite.")
    @action(detail=True, methods=["post"])
    def triage(self, request: Request, reference: str) -> Response:
        return self._act(
            request,
            reference,
            s.TriageInput,
            lambda c, d: workflow.complaint_triage(complaint=c, actor=_actor(request), **d),
        )

    @_detail_schema("Assign the case", s.AssignInput, " The lead assigns anyone; an investigator takes a case.")
    @action(detail=True, methods=["post"])
    def assign(self, request: Request, reference: str) -> Response:
        return self._act(
            request,
            reference,
            s.AssignInput,
            lambda c, d: workflow.complaint_assign(complaint=c, actor=_actor(request), assignee=d["assignee"]),
        )

    @_detail_schema("Start the investigation", s.ReasonInput)
    @action(detail=True, methods=["post"], url_path="start-investigation")
    def start_investigation(self, request: Request, reference: str) -> Response:
        return self._act(
            request,
            reference,
            s.ReasonInput,
            lambda c, d: workflow.complaint_start_investigation(complaint=c, actor=_actor(request), **d),
        )

    @_detail_schema("Resolve the case", s.ReasonInput, " Needs a substantiated finding.")
    @action(detail=True, methods=["post"])
    def resolve(self, request: Request, reference: str) -> Response:
        return self._act(
            request,
            reference,
            s.ReasonInput,
            lambda c, d: workflow.complaint_resolve(complaint=c, actor=_actor(request), **d),
        )

    @_detail_schema("Mark the case not substantiated", s.ReasonInput)
    @action(detail=True, methods=["post"], url_path="not-substantiated")
    def not_substantiated(self, request: Request, reference: str) -> Response:
        return self._act(
            request,
            reference,
            s.ReasonInput,
            lambda c, d: workflow.complaint_mark_not_substantiated(complaint=c, actor=_actor(request), **d),
        )

    @_detail_schema("Refer the worker elsewhere", s.ReferInput)
    @action(detail=True, methods=["post"])
    def refer(self, request: Request, reference: str) -> Response:
        return self._act(
            request,
            reference,
            s.ReferInput,
            lambda c, d: workflow.complaint_refer(complaint=c, actor=_actor(request), **d),
        )

    @_detail_schema("Close the case", s.ReasonInput, " A zero-tolerance case is closed by the lead only (403).")
    @action(detail=True, methods=["post"])
    def close(self, request: Request, reference: str) -> Response:
        return self._act(
            request,
            reference,
            s.ReasonInput,
            lambda c, d: workflow.complaint_close(complaint=c, actor=_actor(request), **d),
        )

    @_detail_schema("Reopen the case", s.RequiredReasonInput)
    @action(detail=True, methods=["post"])
    def reopen(self, request: Request, reference: str) -> Response:
        return self._act(
            request,
            reference,
            s.RequiredReasonInput,
            lambda c, d: workflow.complaint_reopen(complaint=c, actor=_actor(request), **d),
        )

    @_detail_schema("Add an internal note", s.NoteInput, " Notes are never sent to the worker.")
    @action(detail=True, methods=["post"])
    def notes(self, request: Request, reference: str) -> Response:
        return self._act(
            request,
            reference,
            s.NoteInput,
            lambda c, d: workflow.note_add(complaint=c, author=_actor(request), body=d["body"]),
        )

    @_detail_schema("Record a finding", s.FindingInput, " A substantiated zero-tolerance finding proposes suspension.")
    @action(detail=True, methods=["post"])
    def findings(self, request: Request, reference: str) -> Response:
        return self._act(
            request,
            reference,
            s.FindingInput,
            lambda c, d: workflow.finding_record(complaint=c, actor=_actor(request), **d),
        )

    @_detail_schema("Record a remedy", s.RemedyInput, " Back pay needs an amount and a currency.")
    @action(detail=True, methods=["post"])
    def remedies(self, request: Request, reference: str) -> Response:
        def call(complaint: Complaint, data: dict[str, Any]) -> Any:
            finding_uuid = data.pop("finding", None)
            finding = complaint.findings.filter(uuid=finding_uuid).first() if finding_uuid else None
            if finding_uuid and finding is None:
                raise DjangoValidationError({"finding": "No such finding on this case."})
            return workflow.remedy_record(complaint=complaint, actor=_actor(request), finding=finding, **data)

        return self._act(request, reference, s.RemedyInput, call)

    @_detail_schema("Link another case", s.LinkInput, " Both cases must be yours to change.")
    @action(detail=True, methods=["post"])
    def link(self, request: Request, reference: str) -> Response:
        def call(complaint: Complaint, data: dict[str, Any]) -> Any:
            other = access_complaint(user=_actor(request), reference=data["other"], action="change")
            return workflow.complaint_link(
                complaint=complaint, other=other, actor=_actor(request), reason=data["reason"]
            )

        return self._act(request, reference, s.LinkInput, call)


def _actor(request: Request) -> User:
    """The signed-in user (the restricted queryset already turned everyone else away)."""
    return cast(User, request.user)
