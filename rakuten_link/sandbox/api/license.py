"""License management API: `license.expiryDate.get`, the cheap credential check (docs/rms.md §5-6).

The answer carries no offset (`2026-11-28T23:59:59`, Japan time), exactly as observed. Asking about
a key of another shop, or an unknown key, is a 404 GE0014 here (RMS's answer is UNCONFIRMED); a
missing licenseKey parameter is 400 IE0001 (sandbox code).
"""

from __future__ import annotations

from ..http import Response, rest_error
from ..routing import Call, route
from ..state import clock
from ..state.codes import FAMILY_LICENSE, LICENSE_EXPIRY


def expiry_date(call: Call) -> Response:
    license_key = call.request.param("licenseKey")
    if not license_key:
        raise rest_error(400, "IE0001", "licenseKey is required.", "licenseKey")
    matches = [c for c in call.state.credentials.values() if c.license_key == license_key and c.shop == call.shop]
    if not matches:
        raise rest_error(404, "GE0014", f"Not found for inputs; licenseKey={license_key}")
    expires = max(c.expires_at for c in matches).astimezone(clock.JST)
    return Response(200, {"expiryDate": expires.strftime("%Y-%m-%dT%H:%M:%S")})


ROUTES = [
    route("GET", "/es/1\\.0/license-management/license-key/expiry-date", LICENSE_EXPIRY, FAMILY_LICENSE, expiry_date),
]
