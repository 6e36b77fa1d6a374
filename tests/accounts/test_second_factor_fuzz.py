"""Random values posted to the second-factor forms never produce a server error, and never
let a session past the second factor."""

import pytest
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from accounts import roles
from tests.conftest import make_user

pytestmark = [pytest.mark.django_db, pytest.mark.real_second_factor]

FUZZ = settings(
    max_examples=50,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

value = st.one_of(
    st.sampled_from(["", "000000", "123456", "abcdefgh", "ABCD-EFGH", "1234567", "\x00", "%"]),
    st.integers(min_value=-(10**20), max_value=10**20).map(str),
    st.text(max_size=40),
)
form = st.dictionaries(
    st.sampled_from(["otp_token", "next", "otp_device", "csrfmiddlewaretoken"])
    | st.text(max_size=8),
    value,
    max_size=4,
)
next_url = st.one_of(st.text(max_size=30), st.sampled_from(["//evil.example", "/patients/"]))


@pytest.fixture
def unverified_client(client):
    user = make_user(roles.CLINICIAN, username="fuzz-clinician")
    client.force_login(user)
    return client, user


@FUZZ
@given(data=form, query=next_url)
def test_random_codes_on_the_code_page_never_fail(unverified_client, data, query):
    client, user = unverified_client
    TOTPDevice.objects.get_or_create(user=user, name="phone", confirmed=True)
    for response in (
        client.get(reverse("second_factor"), {"next": query}),
        client.post(reverse("second_factor"), data),
    ):
        assert response.status_code < 500, (data, response.status_code)
    assert client.get(reverse("triage:home")).status_code == 302


@FUZZ
@given(data=form, query=next_url)
def test_random_codes_at_enrolment_never_fail(unverified_client, data, query):
    client, user = unverified_client
    for response in (
        client.get(reverse("second_factor_enrol"), {"next": query}),
        client.post(reverse("second_factor_enrol"), data),
        client.get(reverse("recovery_codes"), {"next": query}),
    ):
        assert response.status_code < 500, (data, response.status_code)
    assert not TOTPDevice.objects.filter(user=user, confirmed=True).exists()
