"""Tests of eventstream.py, the AWS event stream encoding of the data plane's streaming answers,
against botocore's parser.

Run: python3 -m unittest test_eventstream (in emulator/), or every module: npm run test:emulator
"""

from __future__ import annotations

import unittest

from botocore.eventstream import ChecksumMismatch, EventStreamBuffer

import eventstream


class EventStreamTest(unittest.TestCase):
    def test_messages_round_trip_through_botocore_parser(self) -> None:
        payloads = [b'{"bytes":"eyJ0eXBlIjoibWVzc2FnZV9zdGFydCJ9"}', b"{}", "ü".encode() * 300]
        data = b"".join(eventstream.event("chunk", p) for p in payloads)
        buffer = EventStreamBuffer()
        buffer.add_data(data)
        messages = list(buffer)
        self.assertEqual([m.payload for m in messages], payloads)
        for message in messages:
            self.assertEqual(
                message.headers, {":event-type": "chunk", ":content-type": "application/json", ":message-type": "event"}
            )
        self.assertEqual([p for _, p in eventstream.decode_messages(data)], payloads)

    def test_a_corrupted_byte_fails_botocore_crc_check(self) -> None:
        data = bytearray(eventstream.event("chunk", b'{"bytes":"e30="}'))
        for index in (5, len(data) - 6):  # prelude, then payload
            corrupted = bytearray(data)
            corrupted[index] ^= 0xFF
            buffer = EventStreamBuffer()
            buffer.add_data(bytes(corrupted))
            with self.subTest(index=index), self.assertRaises(ChecksumMismatch):
                list(buffer)
            with self.assertRaises(ValueError):
                list(eventstream.decode_messages(bytes(corrupted)))

    def test_exception_messages_carry_the_exception_type(self) -> None:
        buffer = EventStreamBuffer()
        buffer.add_data(eventstream.exception("throttlingException", b'{"message":"slow down"}'))
        (message,) = list(buffer)
        self.assertEqual(message.headers[":message-type"], "exception")
        self.assertEqual(message.headers[":exception-type"], "throttlingException")


if __name__ == "__main__":
    unittest.main()
