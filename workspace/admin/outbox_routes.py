"""The outbox: every message the app wrote (reminders), sent by email or not, and the text messages
waiting for an SMS gateway, for administrators."""
from flask import current_app, render_template
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from workspace.access import admin_required
from workspace.admin import bp
from workspace.extensions import db
from workspace.pages import paginate
from workspace.models import OutboxMessage, SmsMessage

TEXTS_SHOWN = 20  # the newest text messages waiting for a gateway


@bp.route("/outbox")
@admin_required
def outbox():
    query = select(OutboxMessage).options(joinedload(OutboxMessage.recipient)).order_by(OutboxMessage.id.desc())
    page = paginate(query, current_app.config["PER_PAGE"])
    texts_waiting = db.session.scalars(
        select(SmsMessage).where(SmsMessage.direction == "out", SmsMessage.sent_at.is_(None))
        .order_by(SmsMessage.id.desc()).limit(TEXTS_SHOWN)).all()
    return render_template("admin/outbox.html", page=page, smtp=bool(current_app.config["MAIL_SERVER"]),
                           texts_waiting=texts_waiting, texts_shown=TEXTS_SHOWN)


@bp.route("/outbox/<int:message_id>")
@admin_required
def outbox_message(message_id: int):
    return render_template("admin/outbox_message.html", message=db.get_or_404(OutboxMessage, message_id))
