"""Tests of schedule.py, EventBridge's rate(...) and cron(...) schedule expressions.

Run: python3 -m unittest test_schedule (in emulator/), or every module: npm run test:emulator
"""

from __future__ import annotations

import unittest
from datetime import datetime, timezone

from schedule import parse


def utc(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=timezone.utc)


CREATED = utc("2027-01-15T10:00:00")


def latest(expression: str, after: str, until: str) -> datetime | None:
    return parse(expression, CREATED).latest(utc(after), utc(until))


class ScheduleTest(unittest.TestCase):
    def test_monthly_cron_fires_on_the_first_at_midnight(self) -> None:
        self.assertEqual(latest("cron(0 0 1 * ? *)", "2027-01-15T10:00", "2027-02-01T00:00:05"), utc("2027-02-01T00:00"))
        self.assertIsNone(latest("cron(0 0 1 * ? *)", "2027-01-15T10:00", "2027-01-31T23:59:59"))
        # a jump over several firings gives the latest one only
        self.assertEqual(latest("cron(0 0 1 * ? *)", "2027-01-15T10:00", "2027-05-20T00:00"), utc("2027-05-01T00:00"))
        self.assertIsNone(latest("cron(0 0 1 * ? *)", "2027-02-01T00:00", "2027-02-01T00:00:05"))

    def test_daily_and_stepped_crons(self) -> None:
        self.assertEqual(latest("cron(0 0 * * ? *)", "2027-01-15T10:00", "2027-01-18T07:00"), utc("2027-01-18T00:00"))
        self.assertEqual(latest("cron(*/15 9-17 ? * MON-FRI *)", "2027-01-15T10:00", "2027-01-16T12:00"), utc("2027-01-15T17:45"))
        self.assertEqual(latest("cron(0/20 * * * ? *)", "2027-01-15T10:00", "2027-01-15T10:59"), utc("2027-01-15T10:40"))
        self.assertEqual(latest("cron(5,35 8 * JAN,MAR ? 2027-2028)", "2027-01-01T00:00", "2028-02-01T00:00"), utc("2028-01-31T08:35"))

    def test_last_nearest_weekday_and_nth_weekday(self) -> None:
        self.assertEqual(latest("cron(0 12 L * ? *)", "2027-01-01T00:00", "2027-03-10T00:00"), utc("2027-02-28T12:00"))
        # 2027-05-01 is a Saturday: the nearest weekday to the 1st in the month is Monday the 3rd
        self.assertEqual(latest("cron(0 0 1W * ? *)", "2027-04-20T00:00", "2027-05-10T00:00"), utc("2027-05-03T00:00"))
        # the last Friday (6) of January 2027 is the 29th; the second Tuesday (3) of February the 9th
        self.assertEqual(latest("cron(0 0 ? * 6L *)", "2027-01-01T00:00", "2027-02-10T00:00"), utc("2027-01-29T00:00"))
        self.assertEqual(latest("cron(0 0 ? * TUE#2 *)", "2027-01-20T00:00", "2027-02-20T00:00"), utc("2027-02-09T00:00"))

    def test_rate_counts_from_the_rule_creation(self) -> None:
        self.assertEqual(latest("rate(5 minutes)", "2027-01-15T10:00", "2027-01-15T10:12"), utc("2027-01-15T10:10"))
        self.assertIsNone(latest("rate(5 minutes)", "2027-01-15T10:00", "2027-01-15T10:04:59"))
        self.assertEqual(latest("rate(1 day)", "2027-01-15T10:00", "2027-01-20T09:00"), utc("2027-01-19T10:00"))
        self.assertEqual(latest("rate(1 hour)", "2027-01-15T11:30", "2027-01-15T12:00"), utc("2027-01-15T12:00"))
        self.assertIsNone(latest("rate(1 hour)", "2027-01-15T12:00", "2027-01-15T12:59"))

    def test_expressions_aws_refuses(self) -> None:
        for expression in (
            "cron(0 0 1 * * *)",  # both day fields set
            "cron(0 0 ? * ? *)",  # neither set
            "cron(0 0 1 * ?)",  # five fields
            "cron(60 0 1 * ? *)",
            "cron(0 24 1 * ? *)",
            "cron(0 0 32 * ? *)",
            "cron(0 0 1 13 ? *)",
            "cron(0 0 ? * 8 *)",
            "cron(0 0 1 * ? 1969)",
            "cron(0 0 10-5 * ? *)",
            "rate(1 minutes)",
            "rate(5 minute)",
            "rate(0 minutes)",
            "rate(5 weeks)",
            "every day",
        ):
            with self.subTest(expression=expression), self.assertRaises(ValueError):
                parse(expression, CREATED)


if __name__ == "__main__":
    unittest.main()
