from tests.complaints.workflow.conftest import make_case, standards, worker  # noqa: F401 (fixtures)
