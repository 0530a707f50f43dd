"""The complaints app's menu entries (see ``wsr.network.navigation``)."""

from django.utils.translation import gettext_lazy as _

from wsr.network.navigation import MenuItem
from wsr.network.roles import CASE_ROLES, LEAD_ROLES, SUPPLIER_ROLES

MENU = [
    MenuItem(_("Queue"), "complaints:queue", CASE_ROLES, position=10),
    MenuItem(_("Log a complaint"), "complaints_web:staff_intake", CASE_ROLES, position=20),
    MenuItem(_("Access log"), "complaints:access_log", LEAD_ROLES, position=30),
    MenuItem(_("Simulator"), "complaints_sms:simulator", CASE_ROLES, position=40),
    MenuItem(_("Shared by the monitor"), "complaints_web:supplier_summaries", SUPPLIER_ROLES, position=60),
]
