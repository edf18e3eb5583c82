"""Importing a period's values from a large CSV file: a fixed number of statements whatever its
length, every value audited, bounded in rows and in bytes."""
import io

from sqlalchemy import func, insert, select
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from workspace.extensions import db
from workspace.models import AuditEvent, Indicator, IndicatorValue
from tests.conftest import login
from tests.test_indicators import LAST_MONTH, THIS_MONTH, group  # noqa: F401  (the fixture)


def many_indicators(group, count: int) -> list[Indicator]:
    """Adopted monthly indicators split by sex (two cells each), written in one statement."""
    db.session.execute(insert(Indicator), [
        {"organization_id": group.id, "short_name": f"Indicator {n:04}", "question": f"How many, {n}?",
         "unit": "count", "frequency": "monthly", "status": "adopted", "target": 20, "dimensions": ["sex"]}
        for n in range(count)])
    db.session.commit()
    return list(db.session.scalars(select(Indicator).where(Indicator.organization_id == group.id)
                                   .order_by(Indicator.short_name)))


def csv_of(indicators, value: int = 3) -> bytes:
    rows = ["indicator_id,cell,value"]
    for indicator in indicators:
        rows += [f"{indicator.id},sex=female,{value}", f"{indicator.id},sex=male,{value + 1}"]
    return ("\n".join(rows) + "\n").encode()


def upload(client, group, period: str, content: bytes):
    return client.post(f"/groups/{group['group'].id}/periods/{period}/import",
                       data={"file": (io.BytesIO(content), "values.csv")}, content_type="multipart/form-data")


def values_of(period: str) -> list[IndicatorValue]:
    return list(db.session.scalars(select(IndicatorValue).where(IndicatorValue.period == period)))


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_three_thousand_rows_in_a_fixed_number_of_statements(client, group, count_queries):
    indicators = many_indicators(group["group"], 1500)
    login(client, group["member"])
    # (Made before counting: reading the ids of indicators expired by a commit takes queries.)
    small, big = csv_of(indicators[:3]), csv_of(indicators)
    small_again, big_again = csv_of(indicators[:3], value=5), csv_of(indicators, value=5)
    assert big.count(b"\n") == 3001

    # New values: a file of 6 rows and one of 3,000 take the same statements.
    with count_queries() as few:
        assert upload(client, group, LAST_MONTH, small).status_code == 302
    with count_queries() as many:
        assert upload(client, group, THIS_MONTH, big).status_code == 302
    assert many.count == few.count
    saved = values_of(THIS_MONTH)
    assert len(saved) == 4500  # two cells and their total for each indicator
    assert all(v.state == "draft" and v.entered_by_id == group["member"].id for v in saved)
    assert {v.value for v in saved if v.cell == ""} == {7}
    assert count(AuditEvent) == 9 + 4500  # one event per value written, in the same commit

    # Drafts imported again are rewritten, each audited with what it was.
    with count_queries() as few_again:
        assert upload(client, group, LAST_MONTH, small_again).status_code == 302
    with count_queries() as many_again:
        assert upload(client, group, THIS_MONTH, big_again).status_code == 302
    assert many_again.count == few_again.count
    saved = values_of(THIS_MONTH)
    assert {v.value for v in saved if v.cell == ""} == {11}
    if hasattr(IndicatorValue, "version"):
        assert {v.version for v in saved} == {2}
    entered, changed = db.session.scalars(select(AuditEvent).where(
        AuditEvent.entity_id == saved[0].id, AuditEvent.entity_type == "IndicatorValue").order_by(AuditEvent.id))
    assert entered.before is None and entered.after["state"] == "draft"
    assert changed.actor_id == group["member"].id and changed.label.startswith(THIS_MONTH)
    assert changed.before["value"] in (3, 4, 7) and changed.after["value"] in (5, 6, 11)


def test_submitted_values_are_left_alone_and_a_bad_row_saves_nothing(client, group):
    indicators = many_indicators(group["group"], 40)
    login(client, group["member"])
    assert upload(client, group, THIS_MONTH, csv_of(indicators)).status_code == 302
    first = values_of(THIS_MONTH)[0]
    db.session.execute(IndicatorValue.__table__.update().where(IndicatorValue.id == first.id)
                       .values(state="submitted"))
    db.session.commit()
    assert upload(client, group, THIS_MONTH, csv_of(indicators, value=8)).status_code == 302
    db.session.refresh(first)
    assert first.state == "submitted" and first.value in (3, 4, 7)

    before = count(AuditEvent)
    bad = csv_of(indicators, value=9) + f"{indicators[0].id},sex=other,1\n".encode()
    response = upload(client, group, LAST_MONTH, bad)
    assert response.status_code == 422 and "is not a cell of" in response.get_data(as_text=True)
    assert values_of(LAST_MONTH) == [] and count(AuditEvent) == before


def test_too_many_rows_are_refused_with_a_message(app, client, group):
    indicators = many_indicators(group["group"], 1)
    login(client, group["member"])
    page = client.get(f"/groups/{group['group'].id}/periods/{THIS_MONTH}/import").get_data(as_text=True)
    assert "At most 5,000 rows and 5 MB in one file." in page
    limit = app.config["IMPORT_MAX_ROWS"]
    rows = "indicator_id,cell,value\n" + f"{indicators[0].id},sex=female,1\n" * (limit + 1)
    response = upload(client, group, THIS_MONTH, rows.encode())
    text = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "This file has 5,001 rows; an import takes at most 5,000." in text and "Nothing was imported." in text
    assert count(IndicatorValue) == 0


def test_an_oversize_upload_gets_the_413_page(app, client, group):
    login(client, group["member"])
    content = b"indicator_id,cell,value\n" + b"x" * app.config["MAX_CONTENT_LENGTH"]
    # Encoded in memory: the test client would spool a body this large to a temporary file that
    # nothing closes when the app refuses it unread.
    boundary, body = encode_multipart({"file": FileStorage(io.BytesIO(content), "values.csv")})
    response = client.post(f"/groups/{group['group'].id}/periods/{THIS_MONTH}/import", data=body,
                           content_type=f"multipart/form-data; boundary={boundary}")
    text = response.get_data(as_text=True)
    assert response.status_code == 413
    assert "File too large" in text and 'class="brand"' in text  # in the layout
    assert count(IndicatorValue) == 0
