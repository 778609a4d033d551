"""Independent verifier: PyJWT (Debian python3-jwt) follows discovery -> jwks_uri and verifies tokens.

argv: issuer, audience, then tokens. Optional env ROLEBRIDGE_TEST_CONNECT=host:port sends every
connection there (host-based issuers such as http://acme.id.test without DNS), keeping the Host header.
Prints one JSON line: {"discoveryIssuer": ..., "claims": [...]} or exits 1 with the error on stderr.
"""
import json
import os
import socket
import sys
import urllib.request

import jwt

connect = os.environ.get("ROLEBRIDGE_TEST_CONNECT")
if connect:
    target_host, target_port = connect.rsplit(":", 1)
    original = socket.create_connection

    def create_connection(address, *args, **kwargs):
        return original((target_host, int(target_port)), *args, **kwargs)

    socket.create_connection = create_connection

issuer, audience, tokens = sys.argv[1], sys.argv[2], sys.argv[3:]
with urllib.request.urlopen(issuer + "/.well-known/openid-configuration", timeout=5) as response:
    discovery = json.load(response)
if discovery["issuer"] != issuer:
    sys.exit(f"discovery issuer {discovery['issuer']!r} != {issuer!r}")
client = jwt.PyJWKClient(discovery["jwks_uri"], cache_keys=False)
claims = []
for token in tokens:
    key = client.get_signing_key_from_jwt(token)
    claims.append(
        jwt.decode(
            token,
            key.key,
            algorithms=discovery["id_token_signing_alg_values_supported"],
            audience=audience,
            issuer=issuer,
            options={"require": ["iss", "sub", "aud", "exp", "iat", "nbf", "jti"]},
        )
    )
print(json.dumps({"discoveryIssuer": discovery["issuer"], "claims": claims}))
