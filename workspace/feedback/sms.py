"""SMS: a text sent to the feedback number becomes a case, and its tracking code goes back by text.

An SMS gateway (RapidPro, Twilio, or any that can call a web address) posts each text it receives
to /feedback/sms with the shared secret SMS_WEBHOOK_SECRET, in the header X-Webhook-Secret or as
`?secret=`. The form fields of Twilio (From, Body, MessageSid) and of RapidPro's external channel
(from, text, id) are read. A message the gateway sends twice (the same id) makes one case. The
reply, and later word that the case was answered, wait in sms_messages until a gateway takes them
(README: SMS)."""
import hmac
import re

from flask import abort, current_app, jsonify, request
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from workspace.extensions import csrf, db
from workspace.feedback import bp, services
from workspace.feedback.forms import MAX_TEXT
from workspace.i18n import gettext as _, in_language
from workspace.models import FeedbackCase, SmsMessage


def _form(*names: str) -> str:
    for name in names:
        if request.form.get(name):
            return request.form[name].strip()
    return ""


def _refused(status: int, message: str):
    return jsonify(error=message), status


@bp.route("/feedback/sms", methods=["POST"])
@csrf.exempt  # a gateway posts here, not a browser: the shared secret stands in for the token
def sms_webhook():
    secret = current_app.config["SMS_WEBHOOK_SECRET"]
    if not secret:
        abort(404)  # no gateway set up: there is no webhook
    given = request.headers.get("X-Webhook-Secret") or request.args.get("secret", "")
    if not hmac.compare_digest(given.encode(), secret.encode()):
        return _refused(403, "The shared secret is wrong.")
    phone = re.sub(r"[^0-9+]", "", _form("From", "from"))[:40]
    text, gateway_id = _form("Body", "text"), _form("MessageSid", "id")[:100] or None
    if not phone or not text:
        return _refused(422, "A message needs the sender's number (From) and its text (Body).")
    if len(text) > MAX_TEXT:
        return _refused(413, f"The text is longer than {MAX_TEXT} characters: nothing was kept.")
    if gateway_id and (known := _case_of(gateway_id)) is not None:
        return jsonify(case=known, duplicate=True), 200  # sent twice: the case it made already

    def messages(case: FeedbackCase) -> list[SmsMessage]:
        with in_language(current_app.config["BABEL_DEFAULT_LOCALE"]):
            answer = _("We received your message. Your code is %(code)s: with it, follow your case at %(url)s",
                       code=case.code, url=services.track_url(case.code))
        return [SmsMessage(direction="in", phone=phone, text=text, gateway_id=gateway_id, case=case),
                SmsMessage(direction="out", phone=phone, text=answer, case=case)]

    try:
        case = services.create_case(address=f"sms:{phone}", channel="sms", category="complaint", description=text,
                                    contact_phone=phone, along=messages)
    except services.TooManySubmissions:
        return _refused(429, "Too many messages from this number in the last hour.")
    except IntegrityError:  # the same message delivered twice at once: the other delivery made the case
        db.session.rollback()
        if gateway_id and (known := _case_of(gateway_id)) is not None:
            return jsonify(case=known, duplicate=True), 200
        raise
    return jsonify(case=case.code), 201


def _case_of(gateway_id: str) -> str | None:
    """The code of the case a message from the gateway already made, if it did."""
    return db.session.scalar(select(FeedbackCase.code).join(SmsMessage, SmsMessage.case_id == FeedbackCase.id)
                             .where(SmsMessage.gateway_id == gateway_id))
