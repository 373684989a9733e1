#!/usr/bin/env python3
"""An OpenID Connect relying party nobody here wrote (Debian's python3-authlib), for the
integration tests (tests/oidc_integration_tests.cpp).

  relying_party.py documents ISSUER TOKEN
      fetches ISSUER's discovery document and the JWKS it names; checks that the document's
      issuer is ISSUER exactly, that authlib's strict metadata validation (RFC 8414 and OpenID
      Connect Discovery 1.0 section 3) accepts it, and that the JWKS verifies TOKEN (a JWS);
      prints "ok", the token's header `alg` and its claims as JSON, or a reason and exits 1.
"""
import json
import os
import sys
import urllib.request

from authlib.jose import JsonWebKey, jwt
from authlib.oidc.discovery import OpenIDProviderMetadata

# The test sites' issuer is http on loopback; authlib's validation wants https otherwise.
os.environ.setdefault("AUTHLIB_INSECURE_TRANSPORT", "1")


def fetch_json(url):
    with urllib.request.urlopen(url, timeout=10) as response:
        return json.load(response)


def documents(issuer, token):
    metadata = fetch_json(issuer + "/.well-known/openid-configuration")
    if metadata.get("issuer") != issuer:
        return "issuer %r is not %r" % (metadata.get("issuer"), issuer)
    try:
        OpenIDProviderMetadata(metadata).validate()
    except ValueError as error:
        return "metadata refused: %s" % error
    keys = JsonWebKey.import_key_set(fetch_json(metadata["jwks_uri"]))
    claims = jwt.decode(token, keys)
    print("ok")
    print("alg " + claims.header["alg"])
    print(json.dumps(dict(claims), sort_keys=True))
    return None


def main(argv):
    if len(argv) == 4 and argv[1] == "documents":
        problem = documents(argv[2], argv[3])
    else:
        problem = "usage: relying_party.py documents ISSUER TOKEN"
    if problem:
        print(problem)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
