"""iCalendar (RFC 5545) for meetings: one meeting as a download, or a committee's feed."""
from datetime import timedelta

from flask import Response, request, url_for

from workspace.clock import utcnow
from workspace.exports import without_control_characters
from workspace.i18n import gettext as _
from workspace.models import Meeting

DEFAULT_LENGTH = timedelta(hours=2)
STATUS = {"planned": "CONFIRMED", "held": "CONFIRMED", "cancelled": "CANCELLED"}


def _escape(text: str) -> str:
    # iCalendar text holds no control characters (RFC 5545, 3.3.11): a lone CR would end the line.
    text = without_control_characters(text).replace("\r\n", "\n").replace("\r", "\n")
    return (text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
            .replace("\n", "\\n"))


def _fold(line: str) -> list[str]:
    """Lines longer than 75 octets continue on the next line after a space."""
    out, current = [], ""
    for char in line:
        if len((current + char).encode()) > (75 if not out else 74):
            out.append(current)
            current = char
        else:
            current += char
    out.append(current)
    return [out[0]] + [" " + part for part in out[1:]]


def _stamp(value) -> str:
    return value.strftime("%Y%m%dT%H%M%SZ")


def meeting_length(meeting: Meeting) -> timedelta:
    allotted = sum(item.minutes_allotted for item in meeting.items)
    return timedelta(minutes=allotted) if allotted else DEFAULT_LENGTH


def _event(meeting: Meeting) -> list[str]:
    agenda = "\n".join(f"{n}. {item.title}" for n, item in enumerate(meeting.items, start=1))
    description = meeting.committee.name
    if agenda:
        description += "\n\n" + _("Agenda:") + "\n" + agenda
    if meeting.status == "cancelled" and meeting.cancel_reason:
        description += "\n\n" + _("Cancelled: %(reason)s", reason=meeting.cancel_reason)
    location = ", ".join(part for part in (meeting.place, meeting.call_link) if part)
    lines = [
        "BEGIN:VEVENT",
        f"UID:meeting-{meeting.id}@{request.host.split(':')[0]}",
        f"DTSTAMP:{_stamp(utcnow())}",
        f"DTSTART:{_stamp(meeting.starts_at)}",
        f"DTEND:{_stamp(meeting.starts_at + meeting_length(meeting))}",
        f"SUMMARY:{_escape(meeting.title)}",
        f"DESCRIPTION:{_escape(description)}",
        f"STATUS:{STATUS[meeting.status]}",
        f"URL:{url_for('committees.meeting', meeting_id=meeting.id, _external=True)}",
    ]
    if location:
        lines.append(f"LOCATION:{_escape(location)}")
    lines.append("END:VEVENT")
    return lines


def calendar_text(meetings: list[Meeting], name: str) -> str:
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//Workspace//Committee meetings//EN",
             "CALSCALE:GREGORIAN", "METHOD:PUBLISH", f"X-WR-CALNAME:{_escape(name)}"]
    for meeting in meetings:
        lines.extend(_event(meeting))
    lines.append("END:VCALENDAR")
    return "".join(folded + "\r\n" for line in lines for folded in _fold(line))


def calendar_response(meetings: list[Meeting], name: str, filename: str) -> Response:
    safe_name = "".join(c if c.isalnum() or c in "-_. " else "_" for c in filename)
    return Response(calendar_text(meetings, name), mimetype="text/calendar",
                    headers={"Content-Disposition": f'attachment; filename="{safe_name}"'})
