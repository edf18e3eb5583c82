"""Evidence: photos and files that back an indicator's value for a period (its means of
verification), kept in EVIDENCE_DIR and shown to the verifier. They may be added and removed until
the indicator's period is verified or signed off; after that they stand as what was checked."""
import os
import secrets
import time
from functools import cache
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy import func, select

from workspace import audit
from workspace.extensions import db
from workspace.i18n import gettext as _
from workspace.indicators import queue, services
from workspace.models import EVIDENCE_TYPES, Indicator, IndicatorValue, User, ValueEvidence
from workspace.pages import read

# The first bytes of each type kept. Whatever the sender calls a file, only these are taken: a
# script or page renamed to .jpg is refused. (WebP: "RIFF", a size, then "WEBP".)
SIGNATURES = (
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"%PDF-", "application/pdf"),
)


class EvidenceError(ValueError):
    """Why a file is refused, in words for the person who sent it."""


def type_of(head: bytes) -> str | None:
    for signature, content_type in SIGNATURES:
        if head.startswith(signature):
            return content_type
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp"
    return None


def folder() -> Path:
    path = Path(current_app.config["EVIDENCE_DIR"] or os.path.join(current_app.instance_path, "evidence"))
    path.mkdir(parents=True, exist_ok=True)
    return path


def path_of(evidence: ValueEvidence) -> Path:
    return folder() / evidence.stored_name


# A newer file may be an upload whose row is being saved (the file is written first).
SWEEP_AFTER_SECONDS = 3600


def sweep(now: float | None = None) -> int:
    """Removes the files no evidence row names any more: an indicator or a group deleted takes its
    evidence rows with it in the database, which cannot remove the files. How many were removed."""
    now = time.time() if now is None else now
    named = set(db.session.scalars(select(ValueEvidence.stored_name)))
    removed = 0
    for path in folder().iterdir():
        if path.is_file() and path.name not in named and now - path.stat().st_mtime > SWEEP_AFTER_SECONDS:
            path.unlink(missing_ok=True)
            removed += 1
    return removed


@click.command("sweep-evidence")
@with_appcontext
def sweep_evidence_command():
    """Remove the evidence files whose rows are gone (run it daily, e.g. from cron)."""
    click.echo(f"Evidence files removed: {sweep()}.")


def may_change(indicator: Indicator, period: str) -> bool:
    """Until the indicator's period is verified or the group's period signed off."""
    if services.period_locked(indicator.organization_id, period):
        return False
    return db.session.scalar(select(IndicatorValue.id).where(
        IndicatorValue.indicator_id == indicator.id, IndicatorValue.period == period,
        IndicatorValue.state == "verified").limit(1)) is None


def open_on(sheet) -> set[int]:
    """The ids of the sheet's indicators whose evidence may still change (may_change, for a page
    of them from what the sheet has read, plus one query)."""
    if services.period_locked(sheet.owner.id if sheet.owner.is_group else None, sheet.period):
        return set()
    verified = {i for (i, _cell), value in sheet.saved.items() if value.state == "verified"}
    return {indicator.id for indicator in sheet.indicators if indicator.id not in verified}


def add(indicator: Indicator, period: str, user: User, upload) -> ValueEvidence:
    """Keeps an uploaded file (a werkzeug FileStorage) as evidence, or raises EvidenceError and
    keeps nothing: the file is written first and removed again if its row cannot be saved."""
    config = current_app.config
    if not may_change(indicator, period):
        raise EvidenceError(_("This period is verified or signed off: its evidence no longer changes."))
    name = os.path.basename((upload.filename or "").replace("\\", "/")).replace("\x00", "").strip()[:200]
    if not name:
        raise EvidenceError(_("Choose a photo or a PDF file."))
    held = db.session.scalar(select(func.count()).select_from(ValueEvidence).where(
        ValueEvidence.indicator_id == indicator.id, ValueEvidence.period == period))
    if held >= config["EVIDENCE_MAX_FILES"]:
        raise EvidenceError(_("This indicator already has %(num)s files for the period: remove one first.",
                              num=held))
    data = upload.stream.read(config["EVIDENCE_MAX_BYTES"] + 1)
    if not data:
        raise EvidenceError(_("This file is empty."))
    if len(data) > config["EVIDENCE_MAX_BYTES"]:
        raise EvidenceError(_("This file is larger than %(size)s MB. Send a smaller photo or file.",
                              size=config["EVIDENCE_MAX_BYTES"] // (1024 * 1024)))
    content_type = type_of(data[:16])
    if content_type is None:
        raise EvidenceError(_("Only photos (JPEG, PNG, WebP) and PDF files are kept as evidence."))
    evidence = ValueEvidence(indicator_id=indicator.id, period=period, filename=name,
                             stored_name=secrets.token_hex(16) + EVIDENCE_TYPES[content_type],
                             content_type=content_type, size=len(data), uploaded_by_id=user.id)
    path = folder() / evidence.stored_name
    path.write_bytes(data)
    try:
        db.session.add(evidence)
        audit.record("add", evidence, after=audit.snapshot(evidence), actor=user)
        db.session.commit()
    except Exception:
        db.session.rollback()
        path.unlink(missing_ok=True)
        raise
    return evidence


def remove(evidence: ValueEvidence) -> None:
    if not may_change(evidence.indicator, evidence.period):
        raise EvidenceError(_("This period is verified or signed off: its evidence no longer changes."))
    path = path_of(evidence)
    audit.record("remove", evidence, before=audit.snapshot(evidence))
    db.session.delete(evidence)
    db.session.commit()
    path.unlink(missing_ok=True)  # after the row: a file left behind is harmless, a row without one is not


def of_pairs(pairs) -> dict[tuple[int, str], list]:
    """The evidence of several (indicator id, period) pairs, in one query, oldest first: rows of
    what the lists show (id, filename, content_type, size)."""
    pairs = list(pairs)
    if not pairs:
        return {}
    found: dict[tuple[int, str], list] = {}
    slots = queue.slots_for(pairs)
    for evidence in read(_evidence_of(slots), queue.pair_values(pairs, slots)):
        found.setdefault((evidence.indicator_id, evidence.period), []).append(evidence)
    return found


@cache
def _evidence_of(slots: int):
    return (select(ValueEvidence.id, ValueEvidence.indicator_id, ValueEvidence.period, ValueEvidence.filename,
                   ValueEvidence.content_type, ValueEvidence.size)
            .where(queue.among(ValueEvidence.indicator_id, ValueEvidence.period, slots))
            .order_by(ValueEvidence.id))
