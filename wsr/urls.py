"""Top-level URLs. Public contracts (SPEC 5) are kept stable here."""

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import URLPattern, URLResolver, include, path
from django_otp.admin import OTPAdminSite
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from complaints.web import front
from wsr.api import TokenView
from wsr.network import auth as network_auth
from wsr.network import views as network_views
from wsr.network.auth import second_factor_required

# The admin shows every case and can mint API tokens and authenticator devices: like every staff
# page, it needs the second factor, not a password alone (django-otp's documented switch).
admin.site.__class__ = OTPAdminSite

api_v1: list[URLPattern | URLResolver] = [
    path("auth/token/", TokenView.as_view(), name="api-token"),
    path("", include("wsr.network.api.urls")),
    path("", include("complaints.api.urls")),
]

urlpatterns = [
    # The front door for workers and the public; a signed-in user's home page (SPEC 5).
    path("", front.front_door, name="home"),
    path("healthz", network_views.healthz, name="healthz"),
    path("notifications/", network_views.notifications, name="notifications"),
    path("monitor/proposals/", network_views.standing_proposals, name="standing_proposals"),
    path("monitor/proposals/<uuid:uuid>/", network_views.standing_proposal, name="standing_proposal"),
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/2fa/", network_auth.otp_verify, name="otp"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("api/v1/", include(api_v1)),
    # The API's description is for its users, like the API: signed in, staff past the second factor
    # (SPECTACULAR_SETTINGS["SERVE_PERMISSIONS"]); the docs page sends anyone else to sign in.
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path(
        "api/docs/",
        second_factor_required(SpectacularSwaggerSplitView.as_view(url_name="schema", template_name="api_docs.html")),
        name="api-docs",
    ),
    # Web intake: /report/, /track/ (public) and /monitor/intake/ (staff).
    path("", include("complaints.web.urls")),
    path("", include("complaints.sms.urls")),  # /sms/twilio/inbound/, /sms/twilio/status/, /monitor/simulator/
    # Monitor workspace: /monitor/ queue, case pages, access log (after the intake, which it never shadows).
    path("", include("complaints.monitor.urls")),
]

# Error pages in the site's layout and the visitor's language (CSRF_FAILURE_VIEW is in settings).
handler400 = "complaints.web.errors.bad_request"
handler403 = "complaints.web.errors.permission_denied"
handler404 = "complaints.web.errors.page_not_found"
handler500 = "complaints.web.errors.server_error"
