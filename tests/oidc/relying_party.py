#!/usr/bin/env python3
"""An OpenID Connect relying party nobody here wrote (Debian's python3-authlib), for the
integration tests (tests/oidc_integration_tests.cpp). Every step is the library's own: the
authorization URL with PKCE and a nonce, the state check, the token request, the ID token's
signature and claims, userinfo. The test's browser goes through the pages in between.

  relying_party.py documents ISSUER TOKEN
      fetches ISSUER's discovery document and the JWKS it names; checks that the document's
      issuer is ISSUER exactly, that authlib's strict metadata validation (RFC 8414 and OpenID
      Connect Discovery 1.0 section 3) accepts it, and that the JWKS verifies TOKEN (a JWS);
      prints "ok", the token's header `alg` and its claims as JSON, or a reason and exits 1.
  relying_party.py begin ISSUER CLIENT_ID REDIRECT_URI STATEFILE [NAME=VALUE...]
      prints the authorization URL (scope "openid phone", S256, a nonce, extra parameters such as
      login_hint) and keeps state, nonce and verifier in STATEFILE.
  relying_party.py finish ISSUER CLIENT_ID SECRET|- REDIRECT_URI STATEFILE LOCATION
      takes the redirect the browser was sent to (LOCATION), checks state and iss, redeems the
      code (client_secret_basic, or PKCE alone with "-"), validates the ID token against the
      JWKS, the issuer, the client and the nonce, refuses a copy of it with its signature or
      audience changed, and asks userinfo; prints "ok", the ID token's claims, the userinfo
      answer and the ID token's header as JSON, or a reason and exits 1.
"""
import base64
import json
import os
import sys
import urllib.parse
import urllib.request

from authlib.common.security import generate_token
from authlib.integrations.requests_client import OAuth2Session
from authlib.jose import JsonWebKey, jwt
from authlib.oidc.core import CodeIDToken
from authlib.oidc.discovery import OpenIDProviderMetadata

# The test sites' issuer is http on loopback; authlib's validation wants https otherwise.
os.environ.setdefault("AUTHLIB_INSECURE_TRANSPORT", "1")


def fetch_json(url):
    with urllib.request.urlopen(url, timeout=10) as response:
        return json.load(response)


def discovery(issuer):
    return fetch_json(issuer + "/.well-known/openid-configuration")


def documents(issuer, token):
    metadata = discovery(issuer)
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


def begin(issuer, client_id, redirect_uri, state_file, extra):
    metadata = discovery(issuer)
    session = OAuth2Session(client_id, redirect_uri=redirect_uri, scope="openid phone",
                            code_challenge_method="S256")
    verifier = generate_token(64)
    nonce = generate_token(24)
    params = dict(pair.split("=", 1) for pair in extra)
    url, state = session.create_authorization_url(
        metadata["authorization_endpoint"], code_verifier=verifier, nonce=nonce, **params)
    with open(state_file, "w") as out:
        json.dump({"state": state, "nonce": nonce, "verifier": verifier}, out)
    print(url)
    return None


def tampered(token, audience=None):
    """The token with one signature byte changed, or with another audience and the old signature."""
    header, payload, signature = token.split(".")
    if audience is None:
        raw = bytearray(base64.urlsafe_b64decode(signature + "=" * (-len(signature) % 4)))
        raw[0] ^= 1
        signature = base64.urlsafe_b64encode(bytes(raw)).rstrip(b"=").decode()
    else:
        claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
        claims["aud"] = audience
        payload = base64.urlsafe_b64encode(json.dumps(claims).encode()).rstrip(b"=").decode()
    return ".".join([header, payload, signature])


def finish(issuer, client_id, secret, redirect_uri, state_file, location):
    metadata = discovery(issuer)
    with open(state_file) as source:
        saved = json.load(source)
    query = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(location).query))
    if "error" in query:
        return "the provider answered error=%s (%s)" % (query["error"],
                                                        query.get("error_description"))
    # RFC 9207: the answer names the issuer it came from.
    if query.get("iss") != issuer:
        return "iss %r is not %r" % (query.get("iss"), issuer)
    if secret == "-":
        session = OAuth2Session(client_id, redirect_uri=redirect_uri,
                                token_endpoint_auth_method="none")
    else:
        session = OAuth2Session(client_id, secret, redirect_uri=redirect_uri,
                                token_endpoint_auth_method="client_secret_basic")
    try:
        token = session.fetch_token(metadata["token_endpoint"], authorization_response=location,
                                    state=saved["state"], code_verifier=saved["verifier"])
    except Exception as error:  # the library's refusal, whatever its class
        return "token refused: %s" % error
    if "id_token" not in token:
        return "no id_token in %r" % sorted(token)
    keys = JsonWebKey.import_key_set(fetch_json(metadata["jwks_uri"]))

    def decode(id_token):
        claims = jwt.decode(id_token, keys, claims_cls=CodeIDToken,
                            claims_options={"iss": {"essential": True, "value": issuer}},
                            claims_params={"nonce": saved["nonce"], "client_id": client_id})
        claims.validate(leeway=5)
        return claims

    claims = decode(token["id_token"])
    for changed in (tampered(token["id_token"]), tampered(token["id_token"], "another-client")):
        try:
            decode(changed)
            return "a changed ID token was accepted"
        except Exception:
            pass
    userinfo = session.get(metadata["userinfo_endpoint"], timeout=10)
    if userinfo.status_code != 200:
        return "userinfo answered %d" % userinfo.status_code
    print("ok")
    print(json.dumps(dict(claims), sort_keys=True))
    print(json.dumps(userinfo.json(), sort_keys=True))
    print(json.dumps(dict(claims.header), sort_keys=True))
    return None


def main(argv):
    try:
        if len(argv) == 4 and argv[1] == "documents":
            problem = documents(argv[2], argv[3])
        elif len(argv) >= 6 and argv[1] == "begin":
            problem = begin(argv[2], argv[3], argv[4], argv[5], argv[6:])
        elif len(argv) == 8 and argv[1] == "finish":
            problem = finish(*argv[2:8])
        else:
            problem = "usage: see relying_party.py's docstring"
    except Exception as error:  # a refusal by the library is the answer the test looks for
        problem = "%s: %s" % (type(error).__name__, error)
    if problem:
        print(problem)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
