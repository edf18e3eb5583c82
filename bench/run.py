"""`make bench`: serve the app as production does and measure its main pages.

The app runs under gunicorn with gunicorn.conf.py and two sync workers (without the access log,
and without recycling workers every thousand requests, which at the bare route's rate would
restart a worker every second or two), on the database DATABASE_URL names. For each page, wrk
(10 connections, 2 threads) loads the page and, before and after it, a bare route that goes
through the same hooks but renders nothing and reads no database (bench/app.py). The page's
requests per second divided by the bare route's, measured alongside, is its share of bare: on a
shared, noisy machine that ratio moves much less than the raw rates do.

Beside the timing, one request of each page in this process (the app's test client, on the same
database, as the same person) counts the SQL statements the page issues, and one request to
gunicorn gives the bytes sent (compressed, as a browser asking for gzip receives them) and their
uncompressed size.

Settings, from the environment:
  BENCH_SECONDS       seconds of load on each page (5; longer for a page slower than a second)
  BENCH_BARE_SECONDS  seconds of load on the bare route between two page runs (3)
  BENCH_ROUNDS        runs of each page, each between two bare runs; the table gives the medians (1)
  BENCH_PAGES         only pages whose name contains one of these comma-separated words
  BENCH_OUT           also write the Markdown table to this file
  BENCH_PORT          the port gunicorn listens on (a free one)
  BENCH_TIMEOUT       seconds before wrk counts a request as timed out (30; more for a slow page)

A page that cannot be measured (not found in the data, not answering 200, errors under load)
makes the run exit with status 1, after the table of what could be measured.
"""
import gzip
import http.client
import os
import re
import signal
import socket
import statistics
import subprocess
import sys
import time
import urllib.parse
from dataclasses import dataclass
from http.cookies import SimpleCookie
from pathlib import Path

from gunicorn.glogging import Logger

ROOT = Path(__file__).resolve().parent.parent
LUA = Path(__file__).resolve().parent / "latency.lua"
BARE = "/bench/bare"
CONNECTIONS, THREADS = 10, 2
ACCEPT_ENCODING = "gzip"

CHAIR = "joseph.okello@workspace.example"
ADMIN = "admin@workspace.example"


class QuietLogger(Logger):
    """gunicorn's logger less the access log (`--logger-class bench.run.QuietLogger`): a line per
    request would be part of what is measured."""

    def access(self, *args, **kwargs):
        pass


@dataclass
class Page:
    name: str
    who: str | None  # the email of the person viewing it; None: nobody logged in
    path: str | None  # None when the data has nothing to show there (see error)
    error: str = ""
    queries: int | None = None
    bytes_sent: int | None = None
    bytes_raw: int | None = None
    rps: float | None = None
    p50: float | None = None
    p95: float | None = None
    share: float | None = None  # requests/s of the page over those of the bare route around it
    alone: float = 0.0  # seconds one request takes with nothing else under way


# --- Which records to show ---------------------------------------------------------------------------

def choose_pages(app) -> list[Page]:
    """The pages to measure, on the heaviest records that the people who use them see: the
    committee the demo chair chairs with the most meetings, the community group with the most
    indicator values, the open planning session with the most cards, the person handling the most
    feedback cases. Works on the demo data as on `flask seed-scale`'s."""
    from sqlalchemy import func, select

    from workspace.extensions import db
    from workspace.models import (
        Action, ActionPlan, Card, FeedbackCase, GroupRole, Indicator, IndicatorValue, Meeting, Membership,
        PlanningSession, User,
    )

    def first(query):
        return db.session.execute(query.limit(1)).first()

    def email_of(user_id):
        return db.session.scalar(select(User.email).where(User.id == user_id)) if user_id else None

    with app.app_context():
        admin = db.session.scalar(select(User.email).where(User.email == ADMIN)) or db.session.scalar(
            select(User.email).where(User.is_admin, User.active).order_by(User.id).limit(1))
        chair_id = db.session.scalar(select(User.id).where(User.email == CHAIR))

        row = first(select(Membership.committee_id)
                    .outerjoin(Meeting, Meeting.committee_id == Membership.committee_id)
                    .where(Membership.user_id == chair_id, Membership.role == "chair")
                    .group_by(Membership.committee_id)
                    .order_by(func.count(Meeting.id).desc(), Membership.committee_id))
        committee = row[0] if row else None
        meeting = plan = None
        if committee:
            row = (first(select(Meeting.id).where(Meeting.committee_id == committee, Meeting.status == "held")
                         .order_by(Meeting.starts_at.desc()))
                   or first(select(Meeting.id).where(Meeting.committee_id == committee)
                            .order_by(Meeting.starts_at.desc())))
            meeting = row[0] if row else None
            row = first(select(ActionPlan.id).outerjoin(Action, Action.plan_id == ActionPlan.id)
                        .where(ActionPlan.committee_id == committee)
                        .group_by(ActionPlan.id).order_by(func.count(Action.id).desc(), ActionPlan.id))
            plan = row[0] if row else None

        row = first(select(Action.focal_person_id).join(User, User.id == Action.focal_person_id)
                    .where(User.active).group_by(Action.focal_person_id)
                    .order_by(func.count().desc(), Action.focal_person_id))
        focal = email_of(row[0]) if row else CHAIR

        row = first(select(Indicator.organization_id).join(IndicatorValue, IndicatorValue.indicator_id == Indicator.id)
                    .where(Indicator.organization_id.is_not(None))
                    .group_by(Indicator.organization_id).order_by(func.count().desc(), Indicator.organization_id))
        group = row[0] if row else None
        indicator = coordinator = verifier = None
        if group:
            row = first(select(IndicatorValue.indicator_id).join(Indicator, Indicator.id == IndicatorValue.indicator_id)
                        .where(Indicator.organization_id == group)
                        .group_by(IndicatorValue.indicator_id)
                        .order_by(func.count().desc(), IndicatorValue.indicator_id))
            indicator = row[0] if row else None

            def holder(role):
                row = first(select(GroupRole.user_id).join(User, User.id == GroupRole.user_id)
                            .where(GroupRole.organization_id == group, GroupRole.role == role, User.active)
                            .order_by(GroupRole.id))
                return email_of(row[0]) if row else None

            coordinator = holder("coordinator") or email_of(db.session.scalar(
                select(User.id).where(User.organization_id == group, User.active).order_by(User.id).limit(1)))
            verifier = holder("verifier") or admin

        row = first(select(FeedbackCase.assigned_user_id).join(User, User.id == FeedbackCase.assigned_user_id)
                    .where(User.active).group_by(FeedbackCase.assigned_user_id)
                    .order_by(func.count().desc(), FeedbackCase.assigned_user_id))
        handler_id = row[0] if row else None
        if handler_id is None:  # nobody named on a case: someone of the organisation with the most
            row = first(select(FeedbackCase.assigned_organization_id)
                        .where(FeedbackCase.assigned_organization_id.is_not(None))
                        .group_by(FeedbackCase.assigned_organization_id).order_by(func.count().desc()))
            if row:
                handler_id = db.session.scalar(select(User.id).where(User.organization_id == row[0], User.active)
                                               .order_by(User.id).limit(1))
        handler = email_of(handler_id)
        case, case_code = None, None
        if handler_id:
            handler_org = db.session.scalar(select(User.organization_id).where(User.id == handler_id))
            row = (first(select(FeedbackCase.id).where(FeedbackCase.assigned_user_id == handler_id)
                         .order_by(FeedbackCase.received_at.desc(), FeedbackCase.id.desc()))
                   or first(select(FeedbackCase.id).where(FeedbackCase.assigned_organization_id == handler_org)
                            .order_by(FeedbackCase.received_at.desc(), FeedbackCase.id.desc())))
            case = row[0] if row else None
        case_code = db.session.scalar(select(FeedbackCase.code).where(FeedbackCase.id == case)) if case else None

        # The programme with the most coverage (its overlaps are the most to find), and the district
        # committee whose district the most programmes cover.
        from workspace.models import Committee, Programme, programme_areas
        row = first(select(programme_areas.c.programme_id).group_by(programme_areas.c.programme_id)
                    .order_by(func.count().desc(), programme_areas.c.programme_id))
        programme = row[0] if row else None
        row = first(select(Committee.id).join(programme_areas, programme_areas.c.area_id == Committee.area_id,
                                              isouter=True).where(Committee.level == "district")
                    .group_by(Committee.id).order_by(func.count(programme_areas.c.programme_id).desc(), Committee.id))
        district = row[0] if row else None

        row = first(select(PlanningSession.id, PlanningSession.facilitator_id)
                    .outerjoin(Card, Card.session_id == PlanningSession.id)
                    .where(PlanningSession.closed_at.is_(None))
                    .group_by(PlanningSession.id, PlanningSession.facilitator_id)
                    .order_by(func.count(Card.id).desc(), PlanningSession.id))
        session, facilitator = (row[0], email_of(row[1])) if row else (None, None)

    found = {  # what a page needs from the data: its value here, and what it is
        "chair": (chair_id, "the demo chair"),
        "committee": (committee, "a committee the demo chair chairs"),
        "meeting": (meeting, "a meeting of the chair's committee"),
        "plan": (plan, "a plan of the chair's committee"),
        "focal": (focal, "a focal person"),
        "group": (group and coordinator and verifier, "a group with indicator values and its people"),
        "indicator": (indicator and coordinator, "an indicator with values"),
        "handler": (handler, "someone handling feedback cases"),
        "case": (case, "a case of the handler"),
        "session": (session and facilitator, "an open planning session"),
        "admin": (admin, "an administrator"),
        "programme": (programme, "a programme with coverage areas"),
        "district": (district and admin, "a district committee, and an administrator to read it"),
    }
    pages = []
    for name, who, path, need in [
        ("home", CHAIR, "/", "chair"),
        ("feedback board", None, "/feedback/board", None),
        ("feedback form", None, "/feedback", None),
        ("committees", CHAIR, "/committees", "chair"),
        ("committee", CHAIR, "/committees/{c}", "committee"),
        ("meetings", CHAIR, "/committees/{c}/meetings", "committee"),
        ("meeting", CHAIR, "/meetings/{m}", "meeting"),
        ("meeting print", CHAIR, "/meetings/{m}/print", "meeting"),
        ("proposals", CHAIR, "/committees/{c}/proposals", "committee"),
        ("committee indicators, off track", CHAIR, "/committees/{c}/indicators?status=off_track", "committee"),
        ("committee reporting", CHAIR, "/committees/{c}/reporting", "committee"),
        ("feedback patterns", CHAIR, "/committees/{c}/feedback", "committee"),
        ("actions, mine", focal, "/actions?scope=mine", "focal"),
        ("actions, all", CHAIR, "/actions", "chair"),
        ("actions, open and overdue", CHAIR, "/actions?status=open&due=overdue", "chair"),
        ("actions timeline", CHAIR, "/actions/timeline", "chair"),
        ("actions export CSV", CHAIR, "/actions/export.csv", "chair"),
        ("actions export XLSX", CHAIR, "/actions/export.xlsx", "chair"),
        ("plans", CHAIR, "/plans", "chair"),
        ("plan", CHAIR, "/plans/{p}", "plan"),
        ("indicator groups", coordinator, "/groups", "group"),
        ("group", coordinator, "/groups/{g}", "group"),
        ("indicator chart", coordinator, "/indicators/{i}", "indicator"),
        ("verify queue", verifier, "/groups/{g}/verify", "group"),
        ("cases", handler, "/cases", "handler"),
        ("case", handler, "/cases/{k}", "case"),
        ("sessions", facilitator, "/sessions", "session"),
        ("session board", facilitator, "/sessions/{s}/board", "session"),
        ("session projector", facilitator, "/sessions/{s}/projector", "session"),
        ("admin users", admin, "/admin/users", "admin"),
        ("admin audit", admin, "/admin/audit", "admin"),
        ("admin areas", admin, "/admin/areas", "admin"),
        ("admin organisations", admin, "/admin/organizations", "admin"),
        ("admin routing rules", admin, "/admin/routing", "admin"),
        ("admin home", admin, "/", "admin"),
        ("cases to route", admin, "/cases?unassigned=1", "admin"),
        ("case tracking", None, "/feedback/track/{t}", "case"),
        ("programmes", CHAIR, "/programmes", "chair"),
        ("programme", CHAIR, "/programmes/{r}", "programme"),
        ("who does what where", CHAIR, "/programmes/where", "chair"),
        ("district overlaps", admin, "/committees/{d}/overlaps", "district"),
        ("picker, places typed", None, "/pick/areas?field=area&area-q=vill", None),
        ("picker, people typed", CHAIR, "/pick/people?field=person&person-q=an", "chair"),
    ]:
        value, missing = found.get(need, (True, ""))
        if not value:
            pages.append(Page(name, who, None, error=f"not in this database: {missing}"))
        else:
            pages.append(Page(name, who, path.format(c=committee, m=meeting, p=plan, g=group, i=indicator,
                                                     k=case, s=session, r=programme, d=district,
                                                     t=case_code)))
    return pages


def describe_data(app) -> str:
    """The database, and which data it holds: the demo, or seed-scale's world at about which factor."""
    from sqlalchemy import func, select

    from workspace.extensions import db
    from workspace.models import Action, FeedbackCase, IndicatorValue, Meeting, User

    with app.app_context():
        url = db.engine.url
        where = f"{url.get_backend_name()} {url.database}"
        count = lambda model: db.session.scalar(select(func.count()).select_from(model))  # noqa: E731
        sizes = {"people": count(User), "meetings": count(Meeting), "actions": count(Action),
                 "indicator values": count(IndicatorValue), "feedback cases": count(FeedbackCase)}
        data = "demo data" if sizes["people"] else "no data"
        try:
            from workspace.scale import COUNTS, SCALE_DOMAIN
        except ImportError:
            pass
        else:
            scale_people = db.session.scalar(select(func.count()).where(User.email.like(f"%@{SCALE_DOMAIN}")))
            if scale_people:
                data = f"seed-scale data, factor about {scale_people / COUNTS['users']:.2g}"
    return f"{where}, {data} (" + ", ".join(f"{n:,} {name}" for name, n in sizes.items()) + ")"


# --- In this process: SQL statements per page ----------------------------------------------------------

CSRF = re.compile(r'<input[^>]*name="csrf_token"[^>]*>')


def csrf_token(html: str) -> str:
    tag = CSRF.search(html)
    value = tag and re.search(r'value="([^"]+)"', tag.group(0))
    if not value:
        raise RuntimeError("no CSRF token in the login form")
    return value.group(1)


def password() -> str:
    from workspace.demo import DEMO_PASSWORD

    return DEMO_PASSWORD


def count_queries(app, pages: list[Page]) -> None:
    from sqlalchemy import event

    from workspace.extensions import db

    statements = []

    def count(*_args):
        statements.append(1)

    clients = {}
    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", count)
    try:
        for page in pages:
            if page.error:
                continue
            client = clients.get(page.who)
            if client is None:
                client = clients[page.who] = app.test_client()
                if page.who:
                    token = csrf_token(client.get("/login").get_data(as_text=True))
                    response = client.post("/login", data={"email": page.who, "password": password(),
                                                           "csrf_token": token})
                    if response.status_code != 302:
                        page.error = f"could not log in as {page.who} (in process: {response.status_code})"
                        continue
            with client.get(page.path) as response:  # once to warm caches, then counted
                response.get_data()
            statements.clear()
            with client.get(page.path) as response:
                response.get_data()
            if response.status_code != 200:
                page.error = f"answered {response.status_code} in process"
            page.queries = len(statements)
    finally:
        event.remove(engine, "before_cursor_execute", count)


# --- Over HTTP: logging in, checking, loading --------------------------------------------------------

def request(port: int, method: str, path: str, headers: dict | None = None, body: str | None = None):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    try:
        connection.request(method, path, body=body, headers=headers or {})
        response = connection.getresponse()
        return response.status, response.headers, response.read()
    finally:
        connection.close()


def cookies_from(headers, jar: dict) -> dict:
    for header in headers.get_all("Set-Cookie") or []:
        for name, morsel in SimpleCookie(header).items():
            jar[name] = morsel.value
    return jar


def cookie_header(jar: dict) -> str:
    return "; ".join(f"{name}={value}" for name, value in jar.items())


def log_in(port: int, email: str) -> str:
    """The Cookie header of a browser that has logged in as this person."""
    status, headers, body = request(port, "GET", "/login")
    if status != 200:
        raise RuntimeError(f"GET /login answered {status}")
    jar = cookies_from(headers, {})
    form = urllib.parse.urlencode({"email": email, "password": password(),
                                   "csrf_token": csrf_token(body.decode())})
    status, headers, _ = request(port, "POST", "/login", body=form, headers={
        "Content-Type": "application/x-www-form-urlencoded", "Cookie": cookie_header(jar)})
    if status != 302:
        raise RuntimeError(f"logging in as {email} answered {status}")
    return cookie_header(cookies_from(headers, jar))


def check(port: int, page: Page, cookie: str) -> None:
    """One request as a browser makes it: it must answer 200; the bytes it sends, and unpacked."""
    headers = {"Accept-Encoding": ACCEPT_ENCODING, **({"Cookie": cookie} if cookie else {})}
    started = time.perf_counter()
    status, response_headers, body = request(port, "GET", page.path, headers=headers)
    page.alone = time.perf_counter() - started
    if status != 200:
        where = response_headers.get("Location", "")
        page.error = f"answered {status}" + (f" (to {where})" if where else "")
        return
    page.bytes_sent = len(body)
    encoding = response_headers.get("Content-Encoding", "")
    page.bytes_raw = len(gzip.decompress(body)) if encoding == "gzip" else len(body)


def wrk(port: int, path: str, seconds: float, cookie: str, timeout: float = 30) -> dict:
    command = ["wrk", f"-t{THREADS}", f"-c{CONNECTIONS}", f"-d{seconds:.0f}s", f"--timeout={timeout:.0f}s",
               "-s", str(LUA), "-H", f"Accept-Encoding: {ACCEPT_ENCODING}"]
    if cookie:
        command += ["-H", f"Cookie: {cookie}"]
    done = subprocess.run(command + [f"http://127.0.0.1:{port}{path}"], capture_output=True, text=True,
                          timeout=seconds + timeout + 120)
    line = next((line for line in done.stdout.splitlines() if line.startswith("BENCH ")), None)
    if done.returncode != 0 or line is None:
        raise RuntimeError(f"wrk failed: {done.stderr.strip() or done.stdout.strip()}")
    return {key: float(value) for key, value in (part.split("=") for part in line.split()[1:])}


def drain(port: int, alone: float) -> None:
    """Waits for the workers to finish what wrk left with them: when wrk stops, the requests its
    connections had sent are still queued or under way, and a sync worker serves each to the end.
    Done when the bare route answers at once three times running, and one request of the page
    later (the other worker may still be on one)."""
    quick = 0
    deadline = time.monotonic() + 300
    while quick < 3 and time.monotonic() < deadline:
        started = time.perf_counter()
        try:
            request(port, "GET", BARE)
        except OSError:
            time.sleep(0.5)
            continue
        quick = quick + 1 if time.perf_counter() - started < 0.1 else 0
    time.sleep(min(alone, 60))


def load_errors(result: dict) -> str:
    problems = [f"{int(result[key])} {label}" for key, label in
                (("status_errors", "error statuses"), ("socket_errors", "socket errors"), ("timeouts", "timeouts"))
                if result[key]]
    if not result["requests"]:
        problems.append("no request completed")
    return ", ".join(problems)


# --- gunicorn ---------------------------------------------------------------------------------------

def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_gunicorn(port: int) -> subprocess.Popen:
    env = {**os.environ, "GUNICORN_WORKERS": "2", "GUNICORN_BIND": f"127.0.0.1:{port}",
           "GUNICORN_LOG_LEVEL": "warning"}
    env.setdefault("GUNICORN_MAX_REQUESTS", "0")
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", "--logger-class", "bench.run.QuietLogger",
         "bench.app:app"], cwd=ROOT, env=env)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"gunicorn stopped at start (status {server.returncode})")
        try:
            if request(port, "GET", BARE)[0] == 200:
                return server
        except OSError:
            pass
        time.sleep(0.2)
    stop_gunicorn(server)
    raise RuntimeError("gunicorn did not answer within 60 s")


def stop_gunicorn(server: subprocess.Popen) -> None:
    if server.poll() is None:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=40)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


# --- The report -------------------------------------------------------------------------------------

def number(value, digits: int = 1, suffix: str = "") -> str:
    return "" if value is None else f"{value:,.{digits}f}{suffix}"


def table(pages: list[Page], bare: list[float], data: str, seconds: float, bare_seconds: float, rounds: int) -> str:
    lines = [
        "| page | share of bare | requests/s | p50 (ms) | p95 (ms) | queries | bytes (gzip) | bytes (raw) |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for page in pages:
        share = page.share
        cells = [page.name, number(share and share * 100, 1 if (share or 0) >= 0.01 else 2, "%"), number(page.rps),
                 number(page.p50), number(page.p95), number(page.queries, 0), number(page.bytes_sent, 0),
                 number(page.bytes_raw, 0)]
        if page.error:
            cells[1] = f"FAILED: {page.error}"
        lines.append("| " + " | ".join(cells) + " |")
    mean_bare = sum(bare) / len(bare) if bare else None
    lines += [
        "",
        f"Bare route: {number(mean_bare)} requests/s on average over {len(bare)} runs "
        f"(from {number(min(bare) if bare else None)} to {number(max(bare) if bare else None)}).",
        f"Database: {data}.",
        f"gunicorn with gunicorn.conf.py, 2 sync workers; wrk with {CONNECTIONS} connections and {THREADS} "
        f"threads, {seconds:g} s a page (a slow page six times one request's time, up to 120 s) "
        f"between {bare_seconds:g} s runs of the bare route"
        f"{f', {rounds} times (medians)' if rounds > 1 else ''}; "
        f"Accept-Encoding: {ACCEPT_ENCODING}; {os.cpu_count()} CPUs.",
        "",
        "| page | viewed by | URL |",
        "| --- | --- | --- |",
    ]
    lines += [f"| {page.name} | {page.who or 'nobody logged in'} | {page.path or ''} |" for page in pages]
    return "\n".join(lines) + "\n"


def selected(pages: list[Page]) -> list[Page]:
    words = [word.strip().lower() for word in os.environ.get("BENCH_PAGES", "").split(",") if word.strip()]
    return [page for page in pages if not words or any(word in page.name.lower() for word in words)]


def main() -> int:
    seconds = float(os.environ.get("BENCH_SECONDS", "5"))
    bare_seconds = float(os.environ.get("BENCH_BARE_SECONDS", "3"))
    rounds = max(1, int(os.environ.get("BENCH_ROUNDS", "1")))
    timeout = float(os.environ.get("BENCH_TIMEOUT", "30"))
    os.chdir(ROOT)
    from bench.app import app

    data = describe_data(app)
    print(f"Database: {data}", flush=True)
    pages = selected(choose_pages(app))
    if not pages:
        print("No page matches BENCH_PAGES.", file=sys.stderr)
        return 2
    count_queries(app, pages)
    with app.app_context():
        from workspace.extensions import db

        db.engine.dispose()  # this process's connections are not needed while gunicorn serves

    port = int(os.environ.get("BENCH_PORT") or free_port())
    server = start_gunicorn(port)
    bare: list[float] = []
    try:
        cookies: dict[str | None, str] = {None: ""}
        for page in pages:
            if page.error:
                continue
            if page.who not in cookies:
                try:
                    cookies[page.who] = log_in(port, page.who)
                except RuntimeError as error:
                    page.error = str(error)
                    continue
            check(port, page, cookies[page.who])
        measured = [page for page in pages if not page.error]
        if measured:
            wrk(port, BARE, 1, "")  # warm the workers up
        previous = None  # the latest bare run, and the cookie it was made with
        for page in measured:
            cookie = cookies[page.who]
            # Bare, page, bare (, page, bare...): each run of the page is compared with the runs of the
            # bare route just before and just after it.
            if previous is None or previous[1] != cookie:
                previous = (wrk(port, BARE, bare_seconds, cookie), cookie)
                bare.append(previous[0]["rps"])
            runs, shares, problems = [], [], []
            # A slow page gets a longer run, long enough for a few rounds of its 10 connections
            # through 2 workers, and a timeout above the wait in that queue.
            duration = max(seconds, min(6 * page.alone, 120))
            for _ in range(rounds):
                before = previous[0]
                result = wrk(port, page.path, duration, cookie, timeout=max(timeout, 12 * page.alone))
                drain(port, page.alone)
                after = wrk(port, BARE, bare_seconds, cookie)
                previous = (after, cookie)
                bare.append(after["rps"])
                runs.append(result)
                problems += [load_errors(result)] + [
                    f"bare route: {load_errors(run)}" for run in (before, after) if load_errors(run)]
                if before["rps"] and after["rps"]:
                    shares.append(result["rps"] / ((before["rps"] + after["rps"]) / 2))
                print(f"  {page.name}: {result['rps']:,.1f} requests/s in {duration:.0f} s (bare "
                      f"{before['rps']:,.0f} before, {after['rps']:,.0f} after)", flush=True)
            page.share = statistics.median(shares) if shares else None
            page.rps, page.p50, page.p95 = (statistics.median(run[key] for run in runs)
                                            for key in ("rps", "p50_ms", "p95_ms"))
            page.error = "; ".join(problem for problem in problems if problem)
    finally:
        stop_gunicorn(server)

    report = table(pages, bare, data, seconds, bare_seconds, rounds)
    print()
    print(report)
    if os.environ.get("BENCH_OUT"):
        Path(os.environ["BENCH_OUT"]).write_text(report)
    failed = [page.name for page in pages if page.error]
    if failed:
        print(f"{len(failed)} page(s) could not be measured: {', '.join(failed)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
