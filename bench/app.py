"""The app as production serves it, plus one bare route for the benchmark to compare pages with.

`gunicorn -c gunicorn.conf.py bench.app:app` (bench/run.py starts it). The bare route goes through
every hook and header a page does (security headers, sessions, compression) but renders no
template and touches no database: what a page costs beyond it is the page's own work.
"""
from workspace import create_app

app = create_app()


@app.get("/bench/bare")
def bare():
    return "ok\n", 200, {"Content-Type": "text/plain; charset=utf-8"}
