"""Review 10: reads, with Python's own xmlrpc.client, a request body that
the Go client sent (the file named by REVIEW_BODY), and checks that it
carries the context REVIEW_CONTEXT_KEY=True in its execute_kw kwargs, as
Python's own client would have sent it (xmlrpc.client.dumps escapes struct
member names). Exits non-zero when the body does not parse or differs."""

import os
import sys
import xmlrpc.client

with open(os.environ["REVIEW_BODY"], "rb") as f:
    body = f.read()
key = os.environ["REVIEW_CONTEXT_KEY"]

# What Python's client sends for the same call parses back as sent.
mine = xmlrpc.client.dumps(("db", 1, "pw", "res.partner", "search", [[]], {"context": {key: True}}), "execute_kw")
assert xmlrpc.client.loads(mine)[0][6] == {"context": {key: True}}, "Python round trip"

try:
    params, method = xmlrpc.client.loads(body)
except Exception as e:  # the Go body is not XML-RPC that Python can read
    print("Python's xmlrpc.client cannot read the Go client's request: %s: %s" % (type(e).__name__, e))
    # The body carries the password: only the member names are quoted.
    import re
    print("member names sent:", re.findall(rb"<name>(.*?)</name>", body))
    sys.exit(1)
assert method == "execute_kw", method
assert params[6].get("context") == {key: True}, params[6]
print("ok")
