"""The monitor's pages under ``/monitor/`` (``/monitor/intake/`` lives in ``complaints.web``)."""

from django.urls import path

from complaints.monitor import views

app_name = "complaints"

urlpatterns = [
    path("monitor/", views.queue, name="queue"),
    path("monitor/counts/", views.queue_counts, name="queue_counts"),
    path("monitor/access-log/", views.access_log, name="access_log"),
    path("monitor/cases/<str:reference>/", views.case, name="case"),
    path("monitor/cases/<str:reference>/reply-template/", views.reply_template, name="reply_template"),
    path("monitor/cases/<str:reference>/identity/", views.identity_reveal, name="identity_reveal"),
    path("monitor/cases/<str:reference>/attachments/<uuid:uuid>/", views.attachment, name="attachment"),
    path("monitor/cases/<str:reference>/<slug:action>/", views.case_action, name="case_action"),
]
