"""The outbox: every message the app wrote (reminders), sent by email or not, for administrators."""
from flask import current_app, render_template
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from workspace.access import admin_required
from workspace.admin import bp
from workspace.extensions import db
from workspace.pages import paginate
from workspace.models import OutboxMessage


@bp.route("/outbox")
@admin_required
def outbox():
    query = select(OutboxMessage).options(joinedload(OutboxMessage.recipient)).order_by(OutboxMessage.id.desc())
    page = paginate(query, current_app.config["PER_PAGE"])
    return render_template("admin/outbox.html", page=page, smtp=bool(current_app.config["MAIL_SERVER"]))


@bp.route("/outbox/<int:message_id>")
@admin_required
def outbox_message(message_id: int):
    return render_template("admin/outbox_message.html", message=db.get_or_404(OutboxMessage, message_id))
