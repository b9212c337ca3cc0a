"""Tests of the emulator clock (clock.py) and of the control routes it is served by (control.py).

Run: python3 -m unittest test_clock (in emulator/), or every module: npm run test:emulator
"""

from __future__ import annotations

import json
import unittest
import urllib.error
import urllib.request
from datetime import datetime, timedelta, timezone
from typing import Any

from testing_support import EmulatorTestCase, control, emulator, reset


def parse(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


class ClockTest(EmulatorTestCase):
    def refused(self, path: str, body: Any = None, method: str | None = None) -> tuple[int, str]:
        with self.assertRaises(urllib.error.HTTPError) as ctx:
            control(path, body, method)
        return ctx.exception.code, json.loads(ctx.exception.read())["message"]

    def test_the_clock_starts_at_real_time(self) -> None:
        state = control("clock")
        self.assertLess(abs(parse(state["now"]) - datetime.now(timezone.utc)), timedelta(seconds=5))
        self.assertEqual(state["offsetSeconds"], 0)

    def test_set_advance_and_return_to_real_time(self) -> None:
        state = control("clock", {"now": "2027-01-01T00:00:05Z"})
        self.assertLess(abs(parse(state["now"]) - parse("2027-01-01T00:00:05Z")), timedelta(seconds=2))
        self.assertTrue(state["now"].endswith("Z"))
        later = control("clock", {"advanceSeconds": 3600})
        self.assertLess(abs(parse(later["now"]) - parse("2027-01-01T01:00:05Z")), timedelta(seconds=2))
        self.assertGreater(later["offsetSeconds"], 0)
        self.assertEqual(control("clock", {"now": "2027-01-01T02:00:00+02:00"})["now"][:16], "2027-01-01T00:00")
        self.assertEqual(control("clock", {"now": None})["offsetSeconds"], 0)

    def test_the_clock_keeps_running(self) -> None:
        control("clock", {"now": "2027-01-01T00:00:00Z"})
        first = parse(control("clock")["now"])
        second = parse(control("clock")["now"])
        self.assertGreaterEqual(second, first)

    def test_a_reset_returns_to_real_time(self) -> None:
        control("clock", {"now": "2030-01-01T00:00:00Z"})
        reset()
        self.assertEqual(control("clock")["offsetSeconds"], 0)

    def test_bad_requests_are_refused(self) -> None:
        for body in ({"now": "2027-01-01T00:00:00"}, {"now": "tomorrow"}, {"now": 5}, {"advanceSeconds": "1"}, {}, {"when": 1}):
            with self.subTest(body=body):
                status, message = self.refused("clock", body, "POST")
                self.assertEqual(status, 400, message)
        self.assertEqual(self.refused("clock", method="DELETE")[0], 405)
        self.assertEqual(self.refused("nothing-here")[0], 404)
        request = urllib.request.Request(f"{emulator().endpoint}/_emulator/clock", data=b"{", method="POST")
        with self.assertRaises(urllib.error.HTTPError) as ctx:
            urllib.request.urlopen(request, timeout=10)
        self.assertEqual(ctx.exception.code, 400)


if __name__ == "__main__":
    unittest.main()
