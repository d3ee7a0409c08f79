"""A QoQa client written with Python's oauthlib, nobody here's code.

It drives a server that claims to follow shared/QOQA_API.md: the PIN flow,
signed calls with query parameters and JSON bodies, and the requests such a
server must refuse. It asserts nothing: it prints what the server answered,
as one JSON object on stdout, for the Go test to judge. No secret is
printed.

Input, from the environment: QOQA_URL (the site's base URL),
QOQA_CONSUMER_KEY, QOQA_CONSUMER_SECRET.
"""

import http.client
import json
import os
import re
import sys
import time
import urllib.parse

from oauthlib import oauth1

BASE = os.environ["QOQA_URL"].rstrip("/")
KEY = os.environ["QOQA_CONSUMER_KEY"]
SECRET = os.environ["QOQA_CONSUMER_SECRET"]
FORM = "application/x-www-form-urlencoded"


def send(method, uri, headers=None, body=None):
    """One HTTP exchange, redirects not followed."""
    u = urllib.parse.urlsplit(uri)
    conn = http.client.HTTPConnection(u.hostname, u.port, timeout=10)
    path = u.path + ("?" + u.query if u.query else "")
    if isinstance(body, str):
        body = body.encode("utf-8")
    conn.request(method, path, body=body, headers=headers or {})
    resp = conn.getresponse()
    data = resp.read().decode("utf-8", "replace")
    location = resp.getheader("Location")
    conn.close()
    return resp.status, location, data


def signed(client, method, uri, headers=None, body=None):
    """Signs with oauthlib, then sends."""
    uri, headers, body = client.sign(uri, http_method=method, body=body, headers=headers)
    return send(method, uri, headers, body)


def refusal(status, location):
    return {"status": status, "location": location}


def data_of(body):
    try:
        return json.loads(body).get("data")
    except ValueError:
        return None


steps = {}

# The PIN flow: request token, the authorization page and its PIN, access token.
status, _, body = signed(oauth1.Client(KEY, client_secret=SECRET, callback_uri="oob"), "POST", BASE + "/oauth1.0a/request_token")
form = dict(urllib.parse.parse_qsl(body.strip(), keep_blank_values=True))
authorize = form.get("authorize_url") or form.get("\nauthorize_url")
steps["request_token"] = {"status": status, "confirmed": form.get("oauth_callback_confirmed"),
                          "has_token": bool(form.get("oauth_token") and form.get("oauth_token_secret")),
                          "has_authorize_url": bool(authorize)}
request_token, request_secret = form.get("oauth_token", ""), form.get("oauth_token_secret", "")

status, _, page = send("GET", authorize + "?" + urllib.parse.urlencode({"oauth_token": request_token}))
match = re.search(r'<code id="pin">([^<]+)</code>', page)
pin = match.group(1) if match else ""
steps["authorize"] = {"status": status, "pin_shown": bool(pin)}

exchange = oauth1.Client(KEY, client_secret=SECRET, resource_owner_key=request_token,
                         resource_owner_secret=request_secret, verifier=pin)
status, _, body = signed(exchange, "POST", BASE + "/oauth1.0a/access_token")
form = dict(urllib.parse.parse_qsl(body.strip(), keep_blank_values=True))
access_token, access_secret = form.get("oauth_token", ""), form.get("oauth_token_secret", "")
steps["access_token"] = {"status": status, "has_token": bool(access_token and access_secret)}
status, _, _ = signed(exchange, "POST", BASE + "/oauth1.0a/access_token")
steps["access_token_again"] = {"status": status}

api = oauth1.Client(KEY, client_secret=SECRET, resource_owner_key=access_token, resource_owner_secret=access_secret)

# Signed calls: a search with query parameters (spaces and colons), a create
# and an update with JSON bodies, a read.
query = urllib.parse.urlencode({"timestamp_from": "2000-01-01 00:00:00", "timestamp_to": "2100-01-01 00:00:00"})
status, _, body = signed(api, "GET", BASE + "/api/v1/voucher/?" + query)
steps["search"] = {"status": status, "ids": [int(x["id"]) for x in data_of(body) or []]}

json_headers = {"Content-Type": "application/json", "Idempotency-Key": "oauthlib/1"}
record = {"code": "PY-1", "amount": 2500, "remaining_amount": 2500, "currency": "CHF", "is_active": True,
          "description": "Bon cadeau, \u00e9t\u00e9"}
status, _, body = signed(api, "POST", BASE + "/api/v1/voucher/", dict(json_headers), json.dumps({"voucher": record}))
created = (data_of(body) or {}).get("id")
steps["create"] = {"status": status, "id": created}
status, _, body = signed(api, "POST", BASE + "/api/v1/voucher/", dict(json_headers), json.dumps({"voucher": record}))
steps["create_again"] = {"status": status, "id": (data_of(body) or {}).get("id")}

record["remaining_amount"] = 1000
status, _, body = signed(api, "PUT", BASE + "/api/v1/voucher/%s" % created, {"Content-Type": "application/json"},
                         json.dumps({"voucher": record}))
steps["update"] = {"status": status, "id": (data_of(body) or {}).get("id")}

status, _, body = signed(api, "GET", BASE + "/api/v1/voucher/%s" % created)
got = data_of(body) or {}
steps["read"] = {"status": status, "record": {k: got.get(k) for k in ("code", "amount", "remaining_amount", "description")}}

status, _, body = signed(api, "POST", BASE + "/api/v1/voucher/", {"Content-Type": "application/json", "Idempotency-Key": "oauthlib/2"},
                         json.dumps({"voucher": {"code": "PY-2", "amount": 25.5}}))
errors = json.loads(body).get("errors") if body.startswith("{") else None
steps["float_amount"] = {"status": status, "code": errors[0]["code"] if errors else None}

# A form body, signed as one, sent with a charset in its content type.
uri, headers, body = oauth1.Client(KEY, client_secret=SECRET, callback_uri="oob").sign(
    BASE + "/oauth1.0a/request_token", http_method="POST", body="x_note=%C3%A9t%C3%A9", headers={"Content-Type": FORM})
headers["Content-Type"] = FORM + "; charset=UTF-8"
status, _, _ = send("POST", uri, headers, body)
steps["form_with_charset"] = {"status": status}

# What the server must refuse.
shops = BASE + "/api/v1/shop/"
wrong = oauth1.Client(KEY, client_secret="not-" + SECRET, resource_owner_key=access_token, resource_owner_secret=access_secret)
steps["wrong_signature"] = refusal(*signed(wrong, "GET", shops)[:2])

uri, headers, body = api.sign(shops, http_method="GET")
first = send("GET", uri, headers, body)
again = send("GET", uri, headers, body)
steps["replay_first"] = refusal(*first[:2])
steps["replayed_nonce"] = refusal(*again[:2])

stale = oauth1.Client(KEY, client_secret=SECRET, resource_owner_key=access_token, resource_owner_secret=access_secret,
                      timestamp=str(int(time.time()) - 3600))
steps["stale_timestamp"] = refusal(*signed(stale, "GET", shops)[:2])

unknown = oauth1.Client(KEY, client_secret=SECRET, resource_owner_key="no-such-token", resource_owner_secret="x")
steps["unknown_token"] = refusal(*signed(unknown, "GET", shops)[:2])

json.dump({"steps": steps}, sys.stdout, indent=1, sort_keys=True)
