"""The code of conduct seeded into a new program (shared/reference/code-of-conduct.md).

A program edits its own code in the admin afterwards; this is where a fresh installation starts.
"""

from typing import Any

from wsr.network.choices import Severity, StandardCategory

ZT, SE, MI = Severity.ZERO_TOLERANCE, Severity.SERIOUS, Severity.MINOR
C = StandardCategory

# (code, title, category, severity)
CODE_OF_CONDUCT: list[tuple[str, str, str, str]] = [
    ("ZT-1", "No forced labor (debt bondage, confiscated documents, threats, locked gates)", C.FORCED_LABOR, ZT),
    ("ZT-2", "No child labor below the legal age", C.CHILD_LABOR, ZT),
    ("ZT-3", "No sexual assault or harassment with physical contact", C.SEXUAL_ASSAULT, ZT),
    ("ZT-4", "No violence or threat of violence", C.VIOLENCE, ZT),
    ("ZT-5", "No retaliation against workers who complain or cooperate", C.RETALIATION, ZT),
    ("ZT-6", "No imminent danger to life (structural failure, blocked exits)", C.IMMINENT_DANGER, ZT),
    ("W-1", "Wages paid in full, on time, with a pay stub", C.WAGES, SE),
    ("W-2", "Premium passed through to workers as a line item on pay stubs", C.WAGES, SE),
    ("W-3", "Piece rate measured fairly (standard bucket or unit, no overfilling)", C.WAGES, SE),
    ("H-1", "Hours recorded on worker-controlled time clocks; no unpaid waiting time", C.HOURS, SE),
    ("H-2", "Overtime voluntary and paid as the law requires", C.HOURS, SE),
    ("S-1", "Shade, water and rest breaks; a heat plan in hot months", C.HEALTH_SAFETY, SE),
    ("S-2", "Free protective equipment suited to the task", C.HEALTH_SAFETY, SE),
    ("S-3", "Fire safety: exits, alarms, extinguishers, evacuation drills", C.HEALTH_SAFETY, SE),
    ("S-4", "Electrical safety", C.HEALTH_SAFETY, SE),
    ("S-5", "Structural safety: loads, cracks, approved drawings", C.HEALTH_SAFETY, SE),
    ("D-1", "No harassment or discrimination without physical contact", C.HARASSMENT, SE),
    ("D-2", "No verbal abuse by supervisors", C.HARASSMENT, MI),
    ("E-1", "Workers receive education on their rights and the hotline, on paid time", C.EDUCATION, MI),
    ("E-2", "A health and safety committee with elected worker members", C.EDUCATION, MI),
    ("R-1", "Direct hire and direct payment (no labor contractors taking a cut)", C.RECRUITMENT, SE),
    ("R-2", "Housing provided by the employer is safe and sanitary", C.RECRUITMENT, SE),
    ("O-1", "Other / unclear — to be classified at triage", C.OTHER, MI),
]


def code_of_conduct_seed(*, standard_model: Any, using: str = "default") -> int:
    """Create the standards above that are missing, with their severity's default deadlines.

    ``standard_model`` is the ``Standard`` model, or its historical version inside a migration.
    Returns how many were created.
    """
    from wsr.network.choices import DEFAULT_DEADLINES

    created = 0
    for position, (code, title, category, severity) in enumerate(CODE_OF_CONDUCT):
        acknowledge, investigate, resolve = DEFAULT_DEADLINES[severity]
        _, was_created = standard_model.objects.using(using).get_or_create(
            code=code,
            defaults={
                "title": title,
                "category": category,
                "severity": severity,
                "acknowledge_within": acknowledge,
                "investigate_within": investigate,
                "resolve_within": resolve,
                "position": position,
            },
        )
        created += was_created
    return created
