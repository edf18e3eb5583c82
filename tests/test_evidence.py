"""Evidence: photos and files that back a value, kept by the group's people, shown to the verifier,
checked by what they are (not what they are called), and settled once the period is verified."""
import io
from pathlib import Path

import pytest
from sqlalchemy.exc import IntegrityError

from tests import factories
from tests.conftest import login
from tests.test_indicators import THIS_MONTH, group, make_indicator, submitted  # noqa: F401
from workspace.extensions import db
from workspace.indicators import services
from workspace.models import AuditEvent, ValueEvidence

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 64
PDF = b"%PDF-1.7\n" + b"%" * 64
WEBP = b"RIFF\x24\x00\x00\x00WEBPVP8 " + b"\x00" * 64


def send(client, group, indicator, data: bytes, name: str = "book.png", period: str = THIS_MONTH):
    return client.post(f"/groups/{group.id}/periods/{period}/evidence", content_type="multipart/form-data",
                       data={"evidence-indicator": str(indicator.id), "evidence-file": (io.BytesIO(data), name)},
                       follow_redirects=True)


def kept_files(app) -> set[str]:
    return {path.name for path in Path(app.config["EVIDENCE_DIR"]).iterdir()}


def test_the_member_keeps_evidence_and_the_verifier_sees_it(client, app, group):  # noqa: F811
    indicator = make_indicator(group["group"])
    login(client, group["member"])
    page = send(client, group["group"], indicator, PNG, name="savings book, page 4.png").get_data(as_text=True)
    assert "is kept as evidence for Weekly savers" in page
    kept = db.session.scalar(db.select(ValueEvidence))
    assert (kept.filename, kept.content_type, kept.size, kept.period) == ("savings book, page 4.png", "image/png",
                                                                          len(PNG), THIS_MONTH)
    assert kept.stored_name.endswith(".png") and "book" not in kept.stored_name  # never the name it was sent with
    assert (Path(app.config["EVIDENCE_DIR"]) / kept.stored_name).read_bytes() == PNG
    assert db.session.scalar(db.select(AuditEvent).where(AuditEvent.entity_type == "ValueEvidence")) is not None
    entry = client.get(f"/groups/{group['group'].id}/periods/{THIS_MONTH}").get_data(as_text=True)
    assert f'href="/evidence/{kept.id}"' in entry and "savings book, page 4.png" in entry
    for data, name, content_type in ((JPEG, "photo.jpeg", "image/jpeg"), (PDF, "register.pdf", "application/pdf"),
                                     (WEBP, "photo.webp", "image/webp")):
        send(client, group["group"], indicator, data, name=name)
        assert db.session.scalar(db.select(ValueEvidence.content_type).where(
            ValueEvidence.filename == name)) == content_type
    submitted(group, indicator, group["member"])
    verifier = app.test_client()
    login(verifier, group["verifier"])
    queue = verifier.get(f"/groups/{group['group'].id}/verify").get_data(as_text=True)
    assert f'<img src="/evidence/{kept.id}"' in queue and ">register.pdf</a>" in queue
    shown = verifier.get(f"/evidence/{kept.id}")
    assert shown.status_code == 200 and shown.data == PNG and shown.mimetype == "image/png"
    assert "no-store" in shown.headers["Cache-Control"] and "inline" in shown.headers["Content-Disposition"]
    pdf = db.session.scalar(db.select(ValueEvidence).where(ValueEvidence.content_type == "application/pdf"))
    assert "attachment" in verifier.get(f"/evidence/{pdf.id}").headers["Content-Disposition"]
    # Someone who does not see the group's data does not learn the file exists.
    stranger = app.test_client()
    login(stranger, factories.make_user(name="Other", sector="government"))
    assert stranger.get(f"/evidence/{kept.id}").status_code == 404


@pytest.mark.parametrize("data, name, reason", [
    (b"<html><script>alert(1)</script></html>", "photo.jpg", "Only photos (JPEG, PNG, WebP) and PDF files"),
    (b"", "empty.png", "This file is empty."),
    (PNG + b"\x00" * 2048, "huge.png", "larger than"),
])
def test_a_file_that_is_not_evidence_is_refused_and_nothing_is_kept(client, app, group, data, name, reason):  # noqa: F811
    app.config["EVIDENCE_MAX_BYTES"] = 1024
    indicator = make_indicator(group["group"])
    login(client, group["member"])
    before = kept_files(app)
    response = send(client, group["group"], indicator, data, name=name)
    assert reason in response.get_data(as_text=True)
    assert db.session.scalar(db.select(ValueEvidence)) is None and kept_files(app) == before


def test_no_file_and_too_many_files_are_refused(client, app, group):  # noqa: F811
    app.config["EVIDENCE_MAX_FILES"] = 2
    indicator = make_indicator(group["group"])
    login(client, group["member"])
    empty = client.post(f"/groups/{group['group'].id}/periods/{THIS_MONTH}/evidence",
                        data={"evidence-indicator": str(indicator.id)}, follow_redirects=True)
    assert "Choose a photo or a PDF file." in empty.get_data(as_text=True)
    send(client, group["group"], indicator, PNG)
    send(client, group["group"], indicator, PNG)
    third = send(client, group["group"], indicator, PNG).get_data(as_text=True)
    assert "already has 2 files for the period" in third
    assert db.session.scalar(db.select(db.func.count()).select_from(ValueEvidence)) == 2


def test_a_file_whose_row_cannot_be_saved_is_not_left_on_disk(client, app, group, monkeypatch):  # noqa: F811
    indicator = make_indicator(group["group"])
    login(client, group["member"])
    before = kept_files(app)

    def refuse():
        raise IntegrityError("INSERT", {}, Exception("the database refused"))
    monkeypatch.setattr(db.session, "commit", refuse)
    with pytest.raises(IntegrityError):
        send(client, group["group"], indicator, PNG)
    monkeypatch.undo()
    assert kept_files(app) == before and db.session.scalar(db.select(ValueEvidence)) is None


def test_evidence_is_removed_until_the_period_is_verified_then_it_stands(client, app, group):  # noqa: F811
    indicator = make_indicator(group["group"])
    login(client, group["member"])
    send(client, group["group"], indicator, PNG)
    send(client, group["group"], indicator, JPEG, name="second.jpg")
    first, second = db.session.scalars(db.select(ValueEvidence).order_by(ValueEvidence.id)).all()
    first_id, first_file = first.id, first.stored_name
    assert "is removed" in client.post(f"/evidence/{first_id}/remove", follow_redirects=True).get_data(as_text=True)
    assert db.session.get(ValueEvidence, first_id) is None and first_file not in kept_files(app)
    services.verify(submitted(group, indicator, group["member"]), group["verifier"])
    refused = client.post(f"/evidence/{second.id}/remove", follow_redirects=True).get_data(as_text=True)
    assert "verified or signed off" in refused and db.session.get(ValueEvidence, second.id) is not None
    assert "verified or signed off" in send(client, group["group"], indicator, PNG).get_data(as_text=True)
    entry = client.get(f"/groups/{group['group'].id}/periods/{THIS_MONTH}").get_data(as_text=True)
    assert f"/evidence/{second.id}/remove" not in entry and 'name="evidence-file"' not in entry


def test_the_entry_page_and_the_queue_read_evidence_in_fixed_queries(client, group, count_queries):  # noqa: F811
    indicators = [make_indicator(group["group"], short_name=f"Indicator {n}") for n in range(3)]
    login(client, group["verifier"])
    for indicator in indicators:
        submitted(group, indicator, group["member"])
    url = f"/groups/{group['group'].id}/verify"
    with count_queries() as few:
        client.get(url)
    for indicator in indicators:
        for n in range(3):
            db.session.add(ValueEvidence(indicator_id=indicator.id, period=THIS_MONTH, filename=f"{n}.png",
                                         stored_name=f"{indicator.id}-{n}.png", content_type="image/png", size=9))
    db.session.commit()
    with count_queries() as many:
        assert client.get(url).get_data(as_text=True).count('class="thumb"') == 9
    assert many.count == few.count


def test_files_whose_rows_are_gone_are_swept_but_not_an_upload_under_way(app, client, runner, group):  # noqa: F811
    import os
    import time

    indicator = make_indicator(group["group"])
    login(client, group["member"])
    send(client, group["group"], indicator, PNG)
    kept = db.session.scalar(db.select(ValueEvidence)).stored_name
    folder = Path(app.config["EVIDENCE_DIR"])
    (folder / "left-behind.png").write_bytes(PNG)  # its group was deleted, a day ago
    day_ago = time.time() - 86400
    os.utime(folder / "left-behind.png", (day_ago, day_ago))
    os.utime(folder / kept, (day_ago, day_ago))
    (folder / "being-saved.png").write_bytes(PNG)  # written a moment ago, its row not yet committed
    result = runner.invoke(args=["sweep-evidence"])
    assert result.exit_code == 0 and "Evidence files removed: 1." in result.output
    assert kept in kept_files(app) and "being-saved.png" in kept_files(app)
    assert "left-behind.png" not in kept_files(app)
    (folder / "being-saved.png").unlink()
