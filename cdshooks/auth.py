"""Trusting the EHR: its signed JWT, checked against the keys registered for its issuer.

CDS Hooks 2.0 ("Trusting CDS Clients"): every call carries `Authorization: Bearer <JWT>`, signed
with the EHR's private key (never `none`, never a shared secret); `aud` is the URL of the endpoint
being called; `exp`, `iat` and `jti` are required. The keys come only from what an administrator
registered for the issuer (a JWKS pasted in, or its URL): a `jku` header is never followed.
"""

from __future__ import annotations

import datetime
import threading
import time
from collections.abc import Iterable

import jwt
from django.utils import timezone

from .models import EhrClient
from .services import remember_token

# Asymmetric algorithms only (the specification forbids `none` and HMAC).
ALGORITHMS = ("ES256", "ES384", "ES512", "RS256", "RS384", "RS512", "PS256", "PS384", "PS512")
LEEWAY_SECONDS = 30
# A token is for one call: one that claims to live longer than this is refused, which also bounds
# how long a used `jti` must be remembered.
MAX_LIFETIME_SECONDS = 300
JWKS_CACHE_SECONDS = 300
JWKS_TIMEOUT_SECONDS = 3
MAX_JTI_LENGTH = 255


class CdsAuthError(Exception):
    """The request is not from a trusted EHR; the message is safe to log and to return."""


_url_clients: dict[str, jwt.PyJWKClient] = {}
_url_clients_lock = threading.Lock()


def _url_client(url: str) -> jwt.PyJWKClient:
    with _url_clients_lock:
        if url not in _url_clients:
            _url_clients[url] = jwt.PyJWKClient(
                url, cache_keys=True, lifespan=JWKS_CACHE_SECONDS, timeout=JWKS_TIMEOUT_SECONDS
            )
        return _url_clients[url]


def _signing_key(client: EhrClient, kid: str) -> jwt.PyJWK:
    """The key the client registered under this `kid`: from the pasted JWKS, else its URL."""
    if client.jwks:
        try:
            keys = jwt.PyJWKSet.from_dict(client.jwks).keys
        except jwt.PyJWTError:
            raise CdsAuthError("the keys registered for this issuer are unusable") from None
        for key in keys:
            if key.key_id == kid:
                return key
        if not client.jwks_url:
            raise CdsAuthError("no registered key has this kid")
    try:
        return _url_client(client.jwks_url).get_signing_key(kid)
    except jwt.PyJWTError:
        raise CdsAuthError("no key with this kid could be read from the issuer's JWKS") from None


def _bearer_token(authorization: str | None) -> str:
    scheme, _, token = (authorization or "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise CdsAuthError("a Bearer token is required")
    return token.strip()


def authenticate(*, authorization: str | None, audiences: Iterable[str]) -> EhrClient:
    """The active EHR client whose valid, unexpired, unreplayed token this is; else CdsAuthError."""
    token = _bearer_token(authorization)
    try:
        header = jwt.get_unverified_header(token)
        unverified = jwt.decode(token, options={"verify_signature": False})
    except jwt.PyJWTError:
        raise CdsAuthError("the token is not a well-formed JWT") from None
    algorithm, kid, issuer = header.get("alg"), header.get("kid"), unverified.get("iss")
    if algorithm not in ALGORITHMS:
        raise CdsAuthError("the token must be signed with an asymmetric algorithm")
    if not isinstance(kid, str) or not kid:
        raise CdsAuthError("the token header has no kid")
    if not isinstance(issuer, str) or not issuer:
        raise CdsAuthError("the token has no issuer")
    client = EhrClient.objects.filter(issuer=issuer, is_active=True).first()
    if client is None:
        raise CdsAuthError("the issuer is not a registered EHR")
    # PyJWT verifies with the key's own algorithm (its `alg`, or the one its curve implies) and
    # refuses a token whose header names another.
    key = _signing_key(client, kid)
    try:
        claims = jwt.decode(
            token,
            key,
            algorithms=[algorithm],
            audience=list(audiences),
            issuer=client.issuer,
            leeway=LEEWAY_SECONDS,
            options={"require": ["iss", "aud", "exp", "iat", "jti"], "strict_aud": False},
        )
    except jwt.ExpiredSignatureError:
        raise CdsAuthError("the token has expired") from None
    except jwt.InvalidAudienceError:
        raise CdsAuthError("the token's audience is not this endpoint") from None
    except jwt.PyJWTError as error:
        # The exception's class names the check that failed, never a value from the token.
        raise CdsAuthError(
            f"the token's signature or claims are invalid ({type(error).__name__})"
        ) from None
    if client.subject and claims.get("sub") != client.subject:
        raise CdsAuthError("the token's subject is not the registered client id")
    expires = claims["exp"]
    if not isinstance(expires, int | float) or expires - time.time() > MAX_LIFETIME_SECONDS:
        raise CdsAuthError(f"the token must expire within {MAX_LIFETIME_SECONDS} seconds")
    jti = claims["jti"]
    if not isinstance(jti, str) or not jti or len(jti) > MAX_JTI_LENGTH:
        raise CdsAuthError("the token's jti is not a usable nonce")
    expires_at = datetime.datetime.fromtimestamp(expires + LEEWAY_SECONDS, tz=datetime.UTC)
    if not remember_token(client=client, jti=jti, expires_at=expires_at, now=timezone.now()):
        raise CdsAuthError("the token was already used")
    return client
