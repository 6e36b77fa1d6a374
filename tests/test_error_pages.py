"""Refusals and missing pages are explained in the app's own layout, with a way back."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_refused_page_explains_and_links_back(nurse_client):
    response = nurse_client.get(reverse("triage:outcomes"))
    assert response.status_code == 403
    text = response.content.decode()
    assert "not open to your role" in text
    assert reverse("triage:home") in text


def test_missing_page_explains_and_links_back(nurse_client):
    response = nurse_client.get("/patients/999999/")
    assert response.status_code == 404
    assert "Page not found" in response.content.decode()
