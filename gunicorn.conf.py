"""gunicorn settings for Workspace: `gunicorn -c gunicorn.conf.py wsgi:app`.

Each can be changed through the environment without editing this file (GUNICORN_WORKERS, and
so on), or on the command line, which wins over both.
"""
import multiprocessing
import os


def _setting(name: str, default):
    return type(default)(os.environ.get(f"GUNICORN_{name}", default))


# Behind the TLS-terminating proxy, on the loopback interface only.
bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")

# Sync workers: the app is plain request/response work against the database, which a pool of
# processes serves well. The usual rule is (2 x CPUs) + 1.
worker_class = "sync"
workers = _setting("WORKERS", multiprocessing.cpu_count() * 2 + 1)

# A request still running after this many seconds is killed and its worker replaced. The slowest
# pages (an import of a few thousand values, an Excel export) take a few seconds.
timeout = _setting("TIMEOUT", 60)
# On a restart or a reload, requests under way get this long to finish.
graceful_timeout = _setting("GRACEFUL_TIMEOUT", 30)
# Seconds an idle connection from the proxy stays open for its next request.
keepalive = _setting("KEEPALIVE", 5)

# Each worker is replaced after about this many requests (the jitter keeps them from all restarting
# at once), so that memory a long-running process gathers is given back.
max_requests = _setting("MAX_REQUESTS", 1000)
max_requests_jitter = _setting("MAX_REQUESTS_JITTER", 100)

# Forwarded headers (X-Forwarded-For, X-Forwarded-Proto) are the app's business: it trusts them
# only from as many proxies as its TRUSTED_PROXIES setting says. gunicorn itself trusts none.
forwarded_allow_ips = ""

# One line per request on standard output, errors on standard error: the service manager keeps both.
accesslog = "-"
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")


def post_worker_init(worker):
    """Once the app is loaded, its objects (the app, models, compiled statements) are set aside
    from the garbage collector's passes: they live as long as the worker, and scanning them again
    on every collection is time taken from requests."""
    import gc

    gc.collect()
    gc.freeze()
