"""Sending less: static files under content-hashed URLs kept for a year, compressed responses,
streamed responses compressed as they go."""
import gzip
import hashlib
import os
import re
import zlib
from pathlib import Path

import brotli
import pytest
from flask import Response

from tests import factories
from tests.conftest import login
from workspace.assets import IMMUTABLE, StaticHashes

STATIC = Path(__file__).resolve().parent.parent / "workspace" / "static"
STATIC_URL = re.compile(r'(?:href|src)="(/static/[^"]*)"')
GZIP = {"Accept-Encoding": "gzip"}


def static_urls(html: str) -> list[str]:
    return STATIC_URL.findall(html)


@pytest.fixture
def chair_and_meeting(app):
    committee = factories.make_committee("Mapleton District Committee", level="district")
    chair = factories.add_member(committee, role="chair", sector="government")
    meeting = factories.make_meeting(committee, items=2)
    return chair, meeting


def test_every_static_url_in_a_page_carries_the_hash_of_its_file(client, chair_and_meeting):
    chair, meeting = chair_and_meeting
    pages = [client.get("/login")]
    login(client, chair)
    pages += [client.get("/"), client.get(f"/meetings/{meeting.id}/print")]
    seen = set()
    for page in pages:
        assert page.status_code == 200
        urls = static_urls(page.get_data(as_text=True))
        assert urls, "a page links its stylesheet and scripts"
        for url in urls:
            found = re.fullmatch(r"/static/([\w./-]+)\?v=([0-9a-f]{12})", url)
            assert found, f"no content hash in {url}"
            name, digest = found.groups()
            assert digest == hashlib.sha256((STATIC / name).read_bytes()).hexdigest()[:12]
            seen.add(url)
    assert {"style.css", "htmx.min.js", "print.css", "print.js", "favicon.svg"} <= {
        url.split("/static/")[1].split("?")[0] for url in seen}

    for url in seen:
        response = client.get(url)
        assert response.status_code == 200
        assert response.headers["Cache-Control"] == IMMUTABLE
        assert "no-store" not in response.headers["Cache-Control"]
        response.close()


def test_a_revalidated_hashed_file_keeps_its_long_cache(client):
    url = static_urls(client.get("/login").get_data(as_text=True))[0]
    first = client.get(url)
    again = client.get(url, headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304
    assert again.headers["Cache-Control"] == IMMUTABLE
    first.close()
    again.close()


@pytest.mark.parametrize("query", ["", "?v=000000000000", "?v="])
def test_a_static_file_without_its_current_hash_is_revalidated_each_time(client, query):
    response = client.get(f"/static/style.css{query}")
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-cache"
    assert "Expires" not in response.headers
    response.close()


def test_pages_are_still_never_stored(client):
    assert client.get("/login").headers["Cache-Control"] == "no-store"


def test_the_hash_follows_the_content(tmp_path):
    asset = tmp_path / "app.css"
    asset.write_text("body { color: black }")
    hashes = StaticHashes(str(tmp_path))
    first = hashes("app.css")
    assert first == hashlib.sha256(b"body { color: black }").hexdigest()[:12]

    asset.write_text("body { color: navy }")
    # Computed once per process: a new process (a deploy) sees the new content.
    assert hashes("app.css") == first
    assert StaticHashes(str(tmp_path))("app.css") == hashlib.sha256(b"body { color: navy }").hexdigest()[:12]
    assert StaticHashes(str(tmp_path))("app.css") != first
    # In debug mode the hash follows each change at once.
    watching = StaticHashes(str(tmp_path), watch=True)
    before = watching("app.css")
    asset.write_text("body { color: teal }")
    os.utime(asset, ns=(1, 1))  # a different modification time, however fast the disk
    assert watching("app.css") != before
    # A file that is not there gets no hash (and its URL none).
    assert hashes("missing.css") is None
    assert hashes("../outside.css") is None


def test_pages_are_compressed_for_a_browser_that_asks(client):
    plain = client.get("/login")
    assert "Content-Encoding" not in plain.headers
    assert plain.get_data(as_text=True).lstrip().lower().startswith("<!doctype html>")

    packed = client.get("/login", headers=GZIP)
    assert packed.headers["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in packed.headers["Vary"] and "HX-Request" in packed.headers["Vary"]
    assert packed.headers["Cache-Control"] == "no-store"
    html = gzip.decompress(packed.data).decode()
    assert html.lstrip().lower().startswith("<!doctype html>") and html.rstrip().endswith("</html>")
    assert 'name="password"' in html
    assert len(packed.data) < len(html.encode()) / 2

    brotli_page = client.get("/login", headers={"Accept-Encoding": "gzip, deflate, br"})
    assert brotli_page.headers["Content-Encoding"] == "br"
    assert 'name="password"' in brotli.decompress(brotli_page.data).decode()


def test_stylesheets_are_compressed_and_tiny_files_are_not(client):
    style = client.get("/static/style.css", headers=GZIP)
    assert style.headers["Content-Encoding"] == "gzip"
    assert gzip.decompress(style.data) == (STATIC / "style.css").read_bytes()
    icon = client.get("/static/favicon.svg", headers=GZIP)  # a few hundred bytes: not worth it
    assert "Content-Encoding" not in icon.headers
    assert icon.data == (STATIC / "favicon.svg").read_bytes()
    style.close()
    icon.close()


def test_exports_arrive_whole(client, chair_and_meeting):
    chair, meeting = chair_and_meeting
    plan = factories.make_plan(meeting.committee, title="Registration plan")
    for n in range(40):
        factories.make_action(plan, title=f"Registration day {n}")
    login(client, chair)

    csv_plain = client.get("/actions/export.csv").data
    csv_packed = client.get("/actions/export.csv", headers=GZIP)
    assert csv_packed.status_code == 200 and csv_packed.headers["Content-Encoding"] == "gzip"
    assert gzip.decompress(csv_packed.data) == csv_plain
    text = csv_plain.decode("utf-8-sig")
    assert text.startswith("ID,Action,") and all(f"Registration day {n}," in text for n in range(40))

    # A spreadsheet is a zip file already: sent as it is.
    xlsx = client.get("/actions/export.xlsx", headers=GZIP)
    assert xlsx.status_code == 200 and "Content-Encoding" not in xlsx.headers
    assert xlsx.data[:2] == b"PK"
    xlsx.close()


def test_a_streamed_response_is_compressed_as_it_goes(app, client):
    produced = []

    def rows():
        yield "n,value\n"
        for n in range(1000):
            produced.append(n)
            yield f"{n},{hashlib.sha256(str(n).encode()).hexdigest() * 8}\n"

    app.add_url_rule("/test-stream.csv", "test_stream",
                     lambda: Response(rows(), mimetype="text/csv"))
    expected = "n,value\n" + "".join(
        f"{n},{hashlib.sha256(str(n).encode()).hexdigest() * 8}\n" for n in range(1000))

    response = client.get("/test-stream.csv", headers=GZIP, buffered=False)
    assert response.status_code == 200
    assert response.headers["Content-Encoding"] == "gzip"
    assert "Content-Length" not in response.headers
    unpack = zlib.decompressobj(zlib.MAX_WBITS | 16)  # gzip
    received = ""
    rows_made_when_data_arrived = None
    for chunk in response.response:
        received += unpack.decompress(chunk).decode()
        if rows_made_when_data_arrived is None and len(received) > 20000:
            rows_made_when_data_arrived = len(produced)
    received += unpack.flush().decode()
    response.close()
    # Rows arrived before the last one was made: the response was not gathered whole first.
    assert rows_made_when_data_arrived is not None and rows_made_when_data_arrived < 1000
    assert received == expected

    plain = client.get("/test-stream.csv")
    assert "Content-Encoding" not in plain.headers
    assert plain.get_data(as_text=True) == expected
