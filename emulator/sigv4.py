"""AWS Signature Version 4 verification (the server side of SigV4).

The canonical request is rebuilt from the request exactly as received: the
RAW path and query string, the headers the client listed as signed, and the
payload hash. For every service but S3, SigV4 URI-encodes the path once more
(`uriEscapePath`): the already percent-encoded segments of the raw path are
encoded again, so ``/model/arn:aws:...%2Fabc/invoke`` is canonicalised as
``/model/arn%3Aaws%3A...%252Fabc/invoke``. aws-sdk-js v3, the Anthropic
Bedrock SDK and botocore all sign that way.

Only the cryptography and parsing live here; which secret belongs to an
access key is the caller's business (``ext_bedrock_runtime``).
"""

from __future__ import annotations

import hashlib
import hmac
import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from urllib.parse import quote, unquote

ALGORITHM = "AWS4-HMAC-SHA256"
EMPTY_SHA256 = hashlib.sha256(b"").hexdigest()
UNSIGNED_PAYLOAD = "UNSIGNED-PAYLOAD"
MAX_SKEW = timedelta(minutes=5)

SIGNATURE_MISMATCH = (
    "The request signature we calculated does not match the signature you provided. "
    "Check your AWS Secret Access Key and signing method. Consult the service documentation for details."
)


class SigV4Error(Exception):
    """An authentication failure, with the AWS error code and message."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass
class Signature:
    """The parsed SigV4 parameters of a request (header or query signing)."""

    access_key: str
    date: str  # YYYYMMDD of the credential scope
    region: str
    service: str
    signed_headers: list[str]
    signature: str
    amz_date: str  # YYYYMMDDTHHMMSSZ
    security_token: str | None = None
    expires: int | None = None  # presigned URLs only
    query: list[tuple[str, str]] = field(default_factory=list)  # presigned: the other parameters

    @property
    def scope(self) -> str:
        return f"{self.date}/{self.region}/{self.service}/aws4_request"


def uri_escape(value: str) -> str:
    """RFC 3986 encoding of everything but the unreserved characters ``A-Za-z0-9-_.~``."""
    return quote(value, safe="-_.~")


def canonical_uri(raw_path: str) -> str:
    """The canonical URI of a non-S3 request: dot segments removed, then each segment encoded again."""
    segments: list[str] = []
    for segment in raw_path.split("/"):
        if not segment or segment == ".":
            continue
        if segment == "..":
            if segments:
                segments.pop()
            continue
        segments.append(segment)
    path = "/" + "/".join(uri_escape(s) for s in segments)
    if segments and raw_path.endswith("/"):
        path += "/"
    return path


def parse_query(raw_query: str) -> list[tuple[str, str]]:
    """Decoded (name, value) pairs of a raw query string ('+' is a literal plus, as SigV4 clients send it)."""
    pairs = []
    for part in raw_query.split("&") if raw_query else []:
        if not part:
            continue
        name, _, value = part.partition("=")
        pairs.append((unquote(name), unquote(value)))
    return pairs


def canonical_query(pairs: list[tuple[str, str]]) -> str:
    encoded = sorted((uri_escape(k), uri_escape(v)) for k, v in pairs)
    return "&".join(f"{k}={v}" for k, v in encoded)


def _header_value(values: list[str]) -> str:
    return ",".join(" ".join(v.split()) for v in values)


def canonical_headers(headers: list[tuple[str, str]], signed: list[str]) -> str:
    by_name: dict[str, list[str]] = {}
    for name, value in headers:
        by_name.setdefault(name.lower(), []).append(value)
    return "".join(f"{name}:{_header_value(by_name.get(name, []))}\n" for name in signed)


def signing_key(secret: str, date: str, region: str, service: str) -> bytes:
    key = ("AWS4" + secret).encode("utf-8")
    for part in (date, region, service, "aws4_request"):
        key = hmac.new(key, part.encode("utf-8"), hashlib.sha256).digest()
    return key


def canonical_request(
    method: str,
    raw_path: str,
    query: list[tuple[str, str]],
    headers: list[tuple[str, str]],
    signed: list[str],
    payload_hash: str,
) -> str:
    return "\n".join(
        [
            method.upper(),
            canonical_uri(raw_path),
            canonical_query(query),
            canonical_headers(headers, signed),
            ";".join(signed),
            payload_hash,
        ]
    )


def string_to_sign(sig: Signature, canonical: str) -> str:
    digest = hashlib.sha256(canonical.encode("utf-8")).hexdigest()
    return "\n".join([ALGORITHM, sig.amz_date, sig.scope, digest])


def compute(secret: str, sig: Signature, canonical: str) -> tuple[str, str]:
    """(signature, string to sign) of a canonical request."""
    to_sign = string_to_sign(sig, canonical)
    key = signing_key(secret, sig.date, sig.region, sig.service)
    return hmac.new(key, to_sign.encode("utf-8"), hashlib.sha256).hexdigest(), to_sign


def _header(headers: list[tuple[str, str]], name: str) -> str | None:
    for key, value in headers:
        if key.lower() == name:
            return value
    return None


_CREDENTIAL = re.compile(r"(?P<key>[^/]+)/(?P<date>\d{8})/(?P<region>[^/]+)/(?P<service>[^/]+)/aws4_request")


def _credential(value: str) -> dict[str, str]:
    match = _CREDENTIAL.fullmatch(value.strip())
    if not match:
        raise SigV4Error(
            "IncompleteSignatureException",
            "Credential must have exactly 5 slash-delimited elements, e.g. keyid/date/region/service/term, "
            f"got '{value}'",
        )
    return match.groupdict()


def parse_authorization(headers: list[tuple[str, str]]) -> Signature:
    """The SigV4 parameters of a header-signed request (raises SigV4Error)."""
    auth = _header(headers, "authorization")
    if not auth:
        raise SigV4Error("MissingAuthenticationTokenException", "Missing Authentication Token")
    algorithm, _, rest = auth.strip().partition(" ")
    if algorithm != ALGORITHM:
        raise SigV4Error(
            "IncompleteSignatureException",
            f"Unsupported authorization type: {algorithm}. Only {ALGORITHM} is supported.",
        )
    params: dict[str, str] = {}
    for part in rest.split(","):
        name, sep, value = part.strip().partition("=")
        if sep:
            params[name] = value
    for required in ("Credential", "SignedHeaders", "Signature"):
        if required not in params:
            raise SigV4Error(
                "IncompleteSignatureException",
                f"Authorization header requires '{required}' parameter. Authorization={auth}",
            )
    amz_date = _header(headers, "x-amz-date")
    if not amz_date:
        raise SigV4Error(
            "IncompleteSignatureException",
            "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header. "
            f"Authorization={auth}",
        )
    cred = _credential(params["Credential"])
    return Signature(
        access_key=cred["key"],
        date=cred["date"],
        region=cred["region"],
        service=cred["service"],
        signed_headers=[h.strip().lower() for h in params["SignedHeaders"].split(";") if h.strip()],
        signature=params["Signature"].strip(),
        amz_date=amz_date.strip(),
        security_token=_header(headers, "x-amz-security-token"),
    )


def parse_presigned(query: list[tuple[str, str]]) -> Signature:
    """The SigV4 parameters of a presigned (query-signed) request (raises SigV4Error)."""
    params = dict(query)
    if params.get("X-Amz-Algorithm") != ALGORITHM:
        raise SigV4Error("IncompleteSignatureException", "X-Amz-Algorithm must be AWS4-HMAC-SHA256.")
    for required in ("X-Amz-Credential", "X-Amz-Date", "X-Amz-SignedHeaders", "X-Amz-Signature"):
        if required not in params:
            raise SigV4Error("IncompleteSignatureException", f"Query string requires '{required}' parameter.")
    cred = _credential(params["X-Amz-Credential"])
    try:
        expires = int(params.get("X-Amz-Expires", "0"))
    except ValueError:
        raise SigV4Error("IncompleteSignatureException", "X-Amz-Expires must be a number of seconds.") from None
    return Signature(
        access_key=cred["key"],
        date=cred["date"],
        region=cred["region"],
        service=cred["service"],
        signed_headers=[h.lower() for h in params["X-Amz-SignedHeaders"].split(";") if h],
        signature=params["X-Amz-Signature"],
        amz_date=params["X-Amz-Date"],
        security_token=params.get("X-Amz-Security-Token"),
        expires=expires,
        query=[(k, v) for k, v in query if k != "X-Amz-Signature"],
    )


def parse_amz_date(value: str) -> datetime:
    try:
        return datetime.strptime(value, "%Y%m%dT%H%M%SZ").replace(tzinfo=timezone.utc)
    except ValueError:
        message = f"Date must be in ISO-8601 'basic format'. Got '{value}'."
        raise SigV4Error("IncompleteSignatureException", message) from None


def check_clock(sig: Signature, now: datetime) -> None:
    """Header-signed requests must be within 5 minutes of the server's clock."""
    signed_at = parse_amz_date(sig.amz_date)
    fmt = "%Y%m%dT%H%M%SZ"
    if signed_at < now - MAX_SKEW:
        raise SigV4Error(
            "InvalidSignatureException",
            f"Signature expired: {sig.amz_date} is now earlier than {(now - MAX_SKEW).strftime(fmt)} "
            f"({now.strftime(fmt)} - 5 min.)",
        )
    if signed_at > now + MAX_SKEW:
        raise SigV4Error(
            "InvalidSignatureException",
            f"Signature not yet current: {sig.amz_date} is still later than {(now + MAX_SKEW).strftime(fmt)} "
            f"({now.strftime(fmt)} + 5 min.)",
        )


def verify_header_signature(
    secret: str,
    sig: Signature,
    method: str,
    raw_path: str,
    raw_query: str,
    headers: list[tuple[str, str]],
    body: bytes,
) -> None:
    """Raises SigV4Error unless the request's Authorization header signature is right."""
    if sig.date != sig.amz_date[:8]:
        raise SigV4Error(
            "InvalidSignatureException",
            f"Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: "
            f"'{sig.date}' != '{sig.amz_date[:8]}', from '{sig.amz_date}'.",
        )
    if "host" not in sig.signed_headers:
        raise SigV4Error("InvalidSignatureException", "'Host' must be a 'SignedHeader' in the AWS Authorization.")
    # Non-S3 services hash the body they received themselves: an unsigned or wrong declared
    # payload hash cannot match (only S3 honours UNSIGNED-PAYLOAD).
    declared = _header(headers, "x-amz-content-sha256")
    payload_hash = hashlib.sha256(body).hexdigest()
    if declared and declared != payload_hash:
        raise SigV4Error("InvalidSignatureException", SIGNATURE_MISMATCH)
    canonical = canonical_request(method, raw_path, parse_query(raw_query), headers, sig.signed_headers, payload_hash)
    expected, to_sign = compute(secret, sig, canonical)
    if not hmac.compare_digest(expected, sig.signature):
        raise SigV4Error(
            "InvalidSignatureException",
            f"{SIGNATURE_MISMATCH}\n\nThe Canonical String for this request should have been\n'{canonical}'\n\n"
            f"The String-to-Sign should have been\n'{to_sign}'\n",
        )


def verify_presigned(
    secret: str, sig: Signature, method: str, raw_path: str, headers: list[tuple[str, str]], now: datetime
) -> None:
    """Raises SigV4Error unless the presigned request's signature is right and current.

    The payload hash of a presigned URL is ``UNSIGNED-PAYLOAD`` (botocore) or the hash of the empty
    body (aws-sdk-js v3 when there is none); both are accepted.
    """
    signed_at = parse_amz_date(sig.amz_date)
    if sig.expires is not None and now > signed_at + timedelta(seconds=sig.expires):
        raise SigV4Error("ExpiredTokenException", "The security token included in the request is expired")
    for payload_hash in (UNSIGNED_PAYLOAD, EMPTY_SHA256):
        canonical = canonical_request(method, raw_path, sig.query, headers, sig.signed_headers, payload_hash)
        expected, _ = compute(secret, sig, canonical)
        if hmac.compare_digest(expected, sig.signature):
            return
    raise SigV4Error("InvalidSignatureException", SIGNATURE_MISMATCH)
