"""AWS event stream encoding (``application/vnd.amazon.eventstream``).

The binary framing AWS streaming APIs use (InvokeModelWithResponseStream,
ConverseStream, ...). One message::

    total length (uint32 BE) | headers length (uint32 BE) | prelude CRC32 (uint32 BE)
    headers | payload | message CRC32 (uint32 BE)

The prelude CRC covers the first 8 bytes; the message CRC covers everything
before it (prelude and prelude CRC included). Each header is
``name length (uint8) | name (UTF-8) | value type (uint8) | value``; string
values (type 7) are ``length (uint16 BE) | UTF-8 bytes``.

``decode_messages`` is a small reader used by the tests as a second opinion
next to botocore's own parser.
"""

from __future__ import annotations

import struct
import zlib
from typing import Iterator

PRELUDE_LENGTH = 12
CRC_LENGTH = 4
TYPE_TRUE, TYPE_FALSE, TYPE_BYTE, TYPE_SHORT, TYPE_INT, TYPE_LONG, TYPE_BYTES, TYPE_STRING = range(8)
TYPE_TIMESTAMP, TYPE_UUID = 8, 9


def _crc(data: bytes, crc: int = 0) -> int:
    return zlib.crc32(data, crc) & 0xFFFFFFFF


def encode_headers(headers: dict[str, str]) -> bytes:
    """String headers, in the given order."""
    out = bytearray()
    for name, value in headers.items():
        raw_name = name.encode("utf-8")
        raw_value = value.encode("utf-8")
        if len(raw_name) > 255 or len(raw_value) > 65535:
            raise ValueError(f"header {name!r} is too long")
        out += struct.pack(">B", len(raw_name)) + raw_name
        out += struct.pack(">BH", TYPE_STRING, len(raw_value)) + raw_value
    return bytes(out)


def encode_message(headers: dict[str, str], payload: bytes) -> bytes:
    raw_headers = encode_headers(headers)
    total = PRELUDE_LENGTH + len(raw_headers) + len(payload) + CRC_LENGTH
    prelude = struct.pack(">II", total, len(raw_headers))
    prelude += struct.pack(">I", _crc(prelude))
    body = prelude + raw_headers + payload
    return body + struct.pack(">I", _crc(body))


def event(event_type: str, payload: bytes, content_type: str = "application/json") -> bytes:
    """An ``event`` message (``:message-type`` event)."""
    return encode_message({":event-type": event_type, ":content-type": content_type, ":message-type": "event"}, payload)


def exception(exception_type: str, payload: bytes) -> bytes:
    """An ``exception`` message, e.g. a modelled stream error."""
    return encode_message(
        {
            ":exception-type": exception_type,
            ":content-type": "application/json",
            ":message-type": "exception",
        },
        payload,
    )


def _decode_headers(data: bytes) -> dict[str, object]:
    headers: dict[str, object] = {}
    pos = 0
    while pos < len(data):
        (name_len,) = struct.unpack_from(">B", data, pos)
        pos += 1
        name = data[pos : pos + name_len].decode("utf-8")
        pos += name_len
        (kind,) = struct.unpack_from(">B", data, pos)
        pos += 1
        value: object
        if kind in (TYPE_TRUE, TYPE_FALSE):
            value = kind == TYPE_TRUE
        elif kind == TYPE_BYTE:
            (value,) = struct.unpack_from(">b", data, pos)
            pos += 1
        elif kind == TYPE_SHORT:
            (value,) = struct.unpack_from(">h", data, pos)
            pos += 2
        elif kind == TYPE_INT:
            (value,) = struct.unpack_from(">i", data, pos)
            pos += 4
        elif kind in (TYPE_LONG, TYPE_TIMESTAMP):
            (value,) = struct.unpack_from(">q", data, pos)
            pos += 8
        elif kind in (TYPE_BYTES, TYPE_STRING):
            (length,) = struct.unpack_from(">H", data, pos)
            pos += 2
            raw = data[pos : pos + length]
            pos += length
            value = raw.decode("utf-8") if kind == TYPE_STRING else raw
        elif kind == TYPE_UUID:
            value = data[pos : pos + 16]
            pos += 16
        else:
            raise ValueError(f"unknown header value type {kind}")
        headers[name] = value
    return headers


def decode_messages(data: bytes) -> Iterator[tuple[dict[str, object], bytes]]:
    """(headers, payload) of each message; raises ValueError on a bad length or CRC."""
    pos = 0
    while pos < len(data):
        if len(data) - pos < PRELUDE_LENGTH + CRC_LENGTH:
            raise ValueError("truncated message")
        total, headers_len, prelude_crc = struct.unpack_from(">III", data, pos)
        if _crc(data[pos : pos + 8]) != prelude_crc:
            raise ValueError("prelude CRC mismatch")
        end = pos + total
        if end > len(data):
            raise ValueError("truncated message")
        (message_crc,) = struct.unpack_from(">I", data, end - CRC_LENGTH)
        if _crc(data[pos : end - CRC_LENGTH]) != message_crc:
            raise ValueError("message CRC mismatch")
        headers_start = pos + PRELUDE_LENGTH
        headers = _decode_headers(data[headers_start : headers_start + headers_len])
        payload = data[headers_start + headers_len : end - CRC_LENGTH]
        yield headers, payload
        pos = end
