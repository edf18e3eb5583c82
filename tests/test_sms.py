"""The SMS webhook: a text becomes a routed case and its code goes back by text; a wrong secret, a
message sent twice, an oversize text and an unknown number are each handled as they should be."""
import pytest

from tests.test_appeals import resolve
from tests.test_escalation import levels  # noqa: F401
from tests.test_feedback import office  # noqa: F401
from workspace.extensions import db
from workspace.feedback import services
from workspace.models import FeedbackCase, SmsMessage

SECRET = "gateway-shared-secret"


@pytest.fixture
def app_config():
    return {"SMS_WEBHOOK_SECRET": SECRET}


def text_in(client, body="The pay point was closed on Monday.", sender="+254 700 111 222", sid="SM1", **extra):
    return client.post("/feedback/sms", headers={"X-Webhook-Secret": SECRET},
                       data={"From": sender, "Body": body, "MessageSid": sid, **extra})


def test_a_text_becomes_a_routed_case_and_the_code_goes_back(client, levels):  # noqa: F811
    response = text_in(client)
    assert response.status_code == 201
    case = db.session.scalar(db.select(FeedbackCase))
    assert response.get_json() == {"case": case.code}
    assert (case.channel, case.category, case.contact_phone, case.status) == ("sms", "complaint", "+254700111222",
                                                                             "received")
    assert case.description == "The pay point was closed on Monday."
    incoming, reply = db.session.scalars(db.select(SmsMessage).order_by(SmsMessage.id)).all()
    assert (incoming.direction, incoming.gateway_id, incoming.case_id) == ("in", "SM1", case.id)
    assert (reply.direction, reply.phone, reply.sent_at) == ("out", "+254700111222", None)  # waits for a gateway
    assert case.code in reply.text and f"/feedback/track/{case.code}" in reply.text


def test_the_same_message_twice_makes_one_case(client, levels):  # noqa: F811
    first = text_in(client).get_json()["case"]
    again = text_in(client)
    assert again.status_code == 200 and again.get_json() == {"case": first, "duplicate": True}
    assert db.session.scalar(db.select(db.func.count()).select_from(FeedbackCase)) == 1


def test_rapidpro_fields_and_a_number_never_seen_before(client, levels):  # noqa: F811
    response = client.post(f"/feedback/sms?secret={SECRET}", data={"from": "0711 000 999", "text": "Hello", "id": "42"})
    assert response.status_code == 201
    assert db.session.scalar(db.select(FeedbackCase.contact_phone)) == "0711000999"


@pytest.mark.parametrize("headers, data, status", [
    ({"X-Webhook-Secret": "guess"}, {"From": "+1", "Body": "Hi"}, 403),
    ({}, {"From": "+1", "Body": "Hi"}, 403),
    ({"X-Webhook-Secret": SECRET}, {"From": "+1", "Body": ""}, 422),
    ({"X-Webhook-Secret": SECRET}, {"From": "no digits", "Body": "Hi"}, 422),
    ({"X-Webhook-Secret": SECRET}, {"From": "+1", "Body": "x" * 4001}, 413),
    ({"X-Webhook-Secret": SECRET}, {"From": "+1", "Body": "a\x00b"}, 400),
])
def test_what_the_webhook_refuses_keeps_nothing(client, levels, headers, data, status):  # noqa: F811
    assert client.post("/feedback/sms", headers=headers, data=data).status_code == status
    assert db.session.scalar(db.select(db.func.count()).select_from(FeedbackCase)) == 0
    assert db.session.scalar(db.select(db.func.count()).select_from(SmsMessage)) == 0


def test_one_number_is_limited_not_the_gateway(client, app, levels):  # noqa: F811
    app.config["FEEDBACK_MAX_PER_ADDRESS"] = 1
    assert text_in(client, sid="A").status_code == 201
    assert text_in(client, sid="B").status_code == 429
    assert text_in(client, sid="C", sender="+254 700 333 444").status_code == 201


def test_the_person_is_told_by_text_when_the_case_is_answered(app, levels):  # noqa: F811
    with app.test_request_context():
        case = services.create_case(address="203.0.113.5", category="complaint", description="Late again.",
                                    area_id=levels["village"].id, contact_phone="0700 123 456", channel="web")
        resolve(case, levels["village_handler"])
    told = db.session.scalar(db.select(SmsMessage).where(SmsMessage.case_id == case.id))
    assert told.phone == "0700 123 456" and f"Your case {case.code} has been answered" in told.text


def test_without_a_secret_set_there_is_no_webhook(client, app, levels):  # noqa: F811
    app.config["SMS_WEBHOOK_SECRET"] = None
    assert text_in(client).status_code == 404


def test_the_same_message_delivered_twice_at_once_makes_one_case(client, levels, monkeypatch):  # noqa: F811
    from workspace.feedback import sms

    first = text_in(client).get_json()["case"]
    looked_up = iter([None])  # the second delivery looks before the first has committed: it sees nothing
    real = sms._case_of
    monkeypatch.setattr(sms, "_case_of", lambda gateway_id: next(looked_up, real(gateway_id)))
    again = text_in(client)
    assert again.status_code == 200 and again.get_json() == {"case": first, "duplicate": True}
    assert db.session.scalar(db.select(db.func.count()).select_from(FeedbackCase)) == 1
