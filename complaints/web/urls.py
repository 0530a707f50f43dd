"""URLs of the web intake (public contracts: ``/report/``, ``/track/``) and the staff intake page."""

from django.urls import path

from complaints.web import staff, supplier, views

app_name = "complaints_web"

urlpatterns = [
    path("report/", views.report, name="report"),
    path("report/worksites/", views.worksite_search, name="worksite_search"),
    path("report/done/", views.report_done, name="report_done"),
    path("track/", views.track, name="track"),
    path("track/case/", views.track_case, name="track_case"),
    path("track/leave/", views.track_leave, name="track_leave"),
    path("supplier/summaries/", supplier.shared_summaries, name="supplier_summaries"),
    path("monitor/intake/", staff.intake, name="staff_intake"),
    path("monitor/intake/done/", staff.intake_done, name="staff_intake_done"),
]
