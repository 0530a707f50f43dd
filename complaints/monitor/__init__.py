"""The monitor's workspace in the browser: triage queue, case page, access log (SPEC 4.3)."""
