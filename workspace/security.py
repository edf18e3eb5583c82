"""Response headers that every page carries, and the client's address behind a proxy."""
from flask import current_app, request
from werkzeug.middleware.proxy_fix import ProxyFix

# No inline script or style anywhere: everything comes from our own static folder.
CONTENT_SECURITY_POLICY = "; ".join([
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
])


def add_headers(response):
    response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["X-Frame-Options"] = "DENY"
    response.headers["Referrer-Policy"] = "same-origin"
    # Pages and fragments share URLs: caches must keep them apart.
    response.vary.add("HX-Request")
    if request.endpoint != "static":
        # Pages carry a person's data, a CSRF token tied to their session, or a download: neither
        # the browser nor a shared cache may keep them (after logging out, Back shows nothing).
        # Only the static files (stylesheet, scripts) are cached.
        response.headers["Cache-Control"] = "no-store"
    if current_app.config.get("SESSION_COOKIE_SECURE"):
        response.headers["Strict-Transport-Security"] = "max-age=31536000; includeSubDomains"
    return response


def register(app) -> None:
    app.after_request(add_headers)
    proxies = app.config["TRUSTED_PROXIES"]
    if proxies > 0:
        # Take the client's address and scheme from the headers that many proxies add; without
        # a proxy, these headers come from the client and must not be believed.
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies)
