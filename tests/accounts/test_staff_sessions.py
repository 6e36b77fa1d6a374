"""The session engine (accounts/sessions.py): one query reads the session and its user; the
second factor is taken from the session; every way a session must end still ends it."""

import datetime

import pytest
from django.contrib.auth import SESSION_KEY
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts import roles, services
from accounts.models import StaffSession
from accounts.sessions import SessionStore
from tests.conftest import make_user

pytestmark = pytest.mark.django_db

SIGNED_OUT = f"{reverse('login')}?next=/"


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)  # the suite's fixture also gives the second factor
    assert client.get("/").status_code == 200
    return client


@pytest.fixture
def nurse(db):
    return make_user(roles.NURSE, username="nadia")


def test_a_signed_in_request_reads_its_session_and_user_in_one_query(nurse):
    client = signed_in(nurse)

    with CaptureQueriesContext(connection) as captured:
        response = client.get(reverse("session_status"))

    assert response.status_code == 200
    sql = [query["sql"] for query in captured.captured_queries]
    assert len(sql) == 1, sql
    assert "accounts_staff_session" in sql[0]
    assert "auth_user" in sql[0]  # the join: the user comes with the session
    assert not any("otp_" in statement for statement in sql)


def test_the_session_row_names_its_user_and_signing_out_removes_it(nurse):
    client = signed_in(nurse)
    row = StaffSession.objects.get()
    assert row.user_id == nurse.pk

    client.post(reverse("logout"))

    assert not StaffSession.objects.exists()


def test_removing_a_confirmed_device_signs_its_user_out_everywhere_but_no_one_else(nurse):
    other = make_user(roles.NURSE, username="nora")
    first, second, bystander = signed_in(nurse), signed_in(nurse), signed_in(other)

    TOTPDevice.objects.filter(user=nurse, confirmed=True).delete()

    assert first.get("/")["Location"] == SIGNED_OUT
    assert second.get("/")["Location"] == SIGNED_OUT
    assert bystander.get("/").status_code == 200


def test_an_administrators_reset_ends_the_sessions_of_the_user_with_recovery_codes_only(nurse):
    client = signed_in(nurse)
    TOTPDevice.objects.filter(user=nurse).delete()  # ends the session already
    client = signed_in(nurse)
    services.recovery_codes_issue(user=nurse)
    assert StaticDevice.objects.filter(user=nurse, confirmed=True).exists()
    TOTPDevice.objects.filter(user=nurse).update(confirmed=False)  # only the codes count now

    services.second_factor_reset(user=nurse, reset_by=nurse)

    assert client.get("/")["Location"] == SIGNED_OUT


def test_replacing_an_unconfirmed_device_during_enrolment_keeps_the_session(nurse):
    client = signed_in(nurse)
    TOTPDevice.objects.create(user=nurse, name="half set up", confirmed=False)

    TOTPDevice.objects.filter(user=nurse, confirmed=False).delete()

    assert client.get("/").status_code == 200


def test_a_deactivated_user_is_signed_out_at_their_next_request(nurse):
    client = signed_in(nurse)

    nurse.is_active = False
    nurse.save(update_fields=["is_active"])

    assert client.get("/")["Location"] == SIGNED_OUT


def test_a_changed_password_ends_the_users_other_sessions(nurse):
    client = signed_in(nurse)

    nurse.set_password("a-new-long-pass-phrase")
    nurse.save(update_fields=["password"])

    assert client.get("/")["Location"] == SIGNED_OUT


def test_a_session_is_never_taken_for_another_users(nurse):
    other = make_user(roles.NURSE, username="nora")
    store = SessionStore()
    store[SESSION_KEY] = str(nurse.pk)
    store.save()
    reread = SessionStore(session_key=store.session_key)
    reread.load()

    assert reread.user_read_with_session(nurse.pk) == nurse
    assert reread.user_read_with_session(str(nurse.pk)) == nurse
    assert reread.user_read_with_session(other.pk) is None


def test_clearsessions_removes_expired_sessions_only(nurse):
    signed_in(nurse)
    expired = SessionStore()
    expired[SESSION_KEY] = str(nurse.pk)
    expired.save()
    StaffSession.objects.filter(session_key=expired.session_key).update(
        expire_date=timezone.now() - datetime.timedelta(seconds=1)
    )

    call_command("clearsessions")

    assert list(StaffSession.objects.values_list("user_id", flat=True)) == [nurse.pk]


def _fields(instance) -> dict:
    return {field.attname: getattr(instance, field.attname) for field in instance._meta.fields}


@pytest.mark.parametrize("with_user", [True, False])
def test_the_session_read_gives_what_the_orm_gives(nurse, with_user):
    # On PostgreSQL the statement is compiled once per process (`_compiled_read`); elsewhere
    # the ORM reads it. Either way: the same row, the same user, the user already attached.
    store = SessionStore()
    if with_user:
        store[SESSION_KEY] = str(nurse.pk)
    store["note"] = "kept"
    store.save()
    expected = StaffSession.objects.get(session_key=store.session_key)

    reread = SessionStore(session_key=store.session_key)
    with CaptureQueriesContext(connection) as captured:
        row = reread._get_session_from_db()
        user = row.user  # attached by the read: no second query
    assert len(captured.captured_queries) == 1
    assert _fields(row) == _fields(expected)
    assert row._state.adding is False
    assert row._state.db == expected._state.db
    if with_user:
        assert _fields(user) == _fields(nurse)
        assert user._state.adding is False
    else:
        assert user is None
    assert reread.load() == {**({SESSION_KEY: str(nurse.pk)} if with_user else {}), "note": "kept"}


def test_an_expired_or_unknown_session_reads_as_none_and_gets_a_new_key(nurse):
    store = SessionStore()
    store[SESSION_KEY] = str(nurse.pk)
    store.save()
    StaffSession.objects.filter(session_key=store.session_key).update(
        expire_date=timezone.now() - datetime.timedelta(seconds=1)
    )
    for key in (store.session_key, "no-such-session-key-0123456789"):
        reread = SessionStore(session_key=key)
        assert reread._get_session_from_db() is None
        assert reread.session_key is None
        assert reread.load() == {}


def test_the_compiled_read_is_used_on_postgresql_only():
    from accounts.sessions import _compiled_read

    read = _compiled_read("default")
    if connection.vendor == "postgresql":
        assert read is not None
        assert "accounts_staff_session" in read.sql
        assert "auth_user" in read.sql
        assert read.session_names == [f.attname for f in StaffSession._meta.concrete_fields]
    else:
        assert read is None  # SQLite's dates need the ORM's converters
