"""A NUL character anywhere a value reaches PostgreSQL is a clear 400, never a 500 (review finding)."""

from __future__ import annotations

import json

import pytest

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "url",
    [
        "/monitor/?q=%00",
        "/monitor/?worksite=A%00",
        "/monitor/?standard=W%00",
        "/monitor/counts/?q=%00",
        "/monitor/cases/AB%00CD/",
        "/api/v1/complaints/?q=%00",
        "/api/v1/worksites/RF%00/",
        "/report/worksites/?q=%00",
    ],
)
def test_a_nul_in_the_path_or_query_string_is_refused_with_400(world, url):
    response = world.client_for(world.lead).get(url)
    assert response.status_code == 400
    assert "NUL" in response.content.decode()


def test_a_nul_in_a_json_body_is_refused_with_400(world):
    response = world.client_for(world.lead).post(
        "/api/v1/complaints/ABCDEFGH/findings/",
        data=json.dumps({"standard": "W\u00001", "substantiated": True}),
        content_type="application/json",
    )
    assert response.status_code == 400


def test_ordinary_requests_pass(world):
    assert world.client_for(world.lead).get("/monitor/?q=wages").status_code == 200
