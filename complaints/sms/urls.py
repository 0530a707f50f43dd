"""URLs of the SMS hotline: Twilio's webhooks (public contracts) and the staff simulator."""

from django.urls import path

from complaints.sms import simulator, views

app_name = "complaints_sms"

urlpatterns = [
    path("sms/twilio/inbound/", views.inbound, name="inbound"),
    path("sms/twilio/status/", views.status, name="status"),
    path("monitor/simulator/", simulator.simulator, name="simulator"),
]
