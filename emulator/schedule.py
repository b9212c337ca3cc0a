"""EventBridge schedule expressions: ``rate(...)`` and AWS's six-field ``cron(...)``, in UTC.

``parse(expression, created)`` returns a ``Schedule`` (``ValueError`` for an expression AWS
refuses); ``schedule.latest(after, until)`` is the latest firing time ``t`` with
``after < t <= until`` (None when there is none), which is what a scheduler needs to catch up with a
clock that jumped.

- ``rate(<n> minute|minutes|hour|hours|day|days)``: n ≥ 1, the singular unit exactly when n is 1;
  fires every n units from ``created`` (the rule's creation), as AWS does.
- ``cron(<minutes> <hours> <day-of-month> <month> <day-of-week> <year>)``: ``*``, ``,``, ``-``,
  ``/``; names ``JAN``-``DEC`` and ``SUN``-``SAT`` (day of week 1 = Sunday … 7 = Saturday); exactly
  one of day-of-month and day-of-week is ``?``; ``L`` (last day of the month), ``<d>W`` (weekday
  nearest day d), ``LW``, ``<dow>L`` (last such weekday of the month), ``<dow>#<n>`` (n-th such
  weekday). Years 1970-2199.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from typing import Callable

#: How far back (days) a cron catch-up searches for the latest firing.
MAX_CATCH_UP_DAYS = 366 * 30

_MONTHS = {name: i + 1 for i, name in enumerate("JAN FEB MAR APR MAY JUN JUL AUG SEP OCT NOV DEC".split())}
_DAYS = {name: i + 1 for i, name in enumerate("SUN MON TUE WED THU FRI SAT".split())}
_UNITS = {"minute": 60, "hour": 3600, "day": 86400}


class Schedule:
    def latest(self, after: datetime, until: datetime) -> datetime | None:
        raise NotImplementedError


@dataclass
class Rate(Schedule):
    created: datetime
    seconds: int

    def latest(self, after: datetime, until: datetime) -> datetime | None:
        if until <= self.created:
            return None
        count = int((until - self.created).total_seconds() // self.seconds)
        if count < 1:
            return None
        at = self.created + timedelta(seconds=count * self.seconds)
        return at if at > after else None


def _aws_weekday(day: date) -> int:
    """1 = Sunday … 7 = Saturday."""
    return (day.weekday() + 1) % 7 + 1


def _number(text: str, names: dict[str, int] | None, low: int, high: int) -> int:
    value = names.get(text.upper()) if names else None
    if value is None:
        if not text.isdigit():
            raise ValueError(f"{text} is not a number")
        value = int(text)
    if not low <= value <= high:
        raise ValueError(f"{text} is outside {low}-{high}")
    return value


def _values(field: str, low: int, high: int, names: dict[str, int] | None = None) -> set[int]:
    """A field of numbers: ``*``, ``a``, ``a-b``, ``a/step``, ``*/step``, ``a-b/step``, lists."""
    values: set[int] = set()
    for part in field.split(","):
        base, _, step_text = part.partition("/")
        step = _number(step_text, None, 1, high) if step_text else 1
        if base == "*":
            start, end = low, high
        elif "-" in base:
            first, last = base.split("-", 1)
            start, end = _number(first, names, low, high), _number(last, names, low, high)
            if start > end:
                raise ValueError(f"range {base} runs backwards")
        else:
            start = _number(base, names, low, high)
            end = high if step_text else start
        values.update(range(start, end + 1, step))
    return values


def _day_of_month(field: str) -> Callable[[date], bool]:
    if field == "L":
        return lambda day: day.day == calendar.monthrange(day.year, day.month)[1]
    if field == "LW":
        return lambda day: day == _nearest_weekday(day.year, day.month, calendar.monthrange(day.year, day.month)[1])
    match = re.fullmatch(r"(\d{1,2})W", field)
    if match:
        wanted = _number(match[1], None, 1, 31)
        return lambda day: day == _nearest_weekday(day.year, day.month, wanted)
    days = _values(field, 1, 31)
    return lambda day: day.day in days


def _nearest_weekday(year: int, month: int, wanted: int) -> date | None:
    """The weekday (Monday-Friday) nearest ``wanted`` in that month (AWS's ``W``)."""
    last = calendar.monthrange(year, month)[1]
    if wanted > last:
        return None
    day = date(year, month, wanted)
    if day.weekday() == 5:  # Saturday: Friday before, or Monday after when that leaves the month
        return day - timedelta(days=1) if wanted > 1 else day + timedelta(days=2)
    if day.weekday() == 6:  # Sunday: Monday after, or Friday before at the end of the month
        return day + timedelta(days=1) if wanted < last else day - timedelta(days=2)
    return day


def _day_of_week(field: str) -> Callable[[date], bool]:
    match = re.fullmatch(r"([A-Za-z]{3}|\d)L", field)
    if match:
        weekday = _number(match[1], _DAYS, 1, 7)
        last = lambda day: day.day + 7 > calendar.monthrange(day.year, day.month)[1]  # noqa: E731
        return lambda day: _aws_weekday(day) == weekday and last(day)
    match = re.fullmatch(r"([A-Za-z]{3}|\d)#([1-5])", field)
    if match:
        weekday, nth = _number(match[1], _DAYS, 1, 7), int(match[2])
        return lambda day: _aws_weekday(day) == weekday and (day.day - 1) // 7 + 1 == nth
    days = _values(field, 1, 7, _DAYS)
    return lambda day: _aws_weekday(day) in days


@dataclass
class Cron(Schedule):
    minutes: list[int]  # descending
    hours: list[int]  # descending
    day: Callable[[date], bool]

    def latest(self, after: datetime, until: datetime) -> datetime | None:
        day = until.date()
        oldest = max(after.date(), day - timedelta(days=MAX_CATCH_UP_DAYS))
        while day >= oldest:
            if self.day(day):
                for hour in self.hours:
                    for minute in self.minutes:
                        at = datetime(day.year, day.month, day.day, hour, minute, tzinfo=timezone.utc)
                        if at <= until:
                            return at if at > after else None
            day -= timedelta(days=1)
        return None


def _cron(body: str) -> Cron:
    fields = body.split()
    if len(fields) != 6:
        raise ValueError("a cron expression has six fields: minutes hours day-of-month month day-of-week year")
    minute, hour, dom, month, dow, year = fields
    if (dom == "?") == (dow == "?"):
        raise ValueError("exactly one of day-of-month and day-of-week must be ?")
    minutes = sorted(_values(minute, 0, 59), reverse=True)
    hours = sorted(_values(hour, 0, 23), reverse=True)
    months = _values(month, 1, 12, _MONTHS)
    years = _values(year, 1970, 2199)
    in_day = _day_of_week(dow) if dom == "?" else _day_of_month(dom)

    def day(at: date) -> bool:
        return at.year in years and at.month in months and in_day(at)

    return Cron(minutes, hours, day)


def parse(expression: str, created: datetime) -> Schedule:
    match = re.fullmatch(r"rate\((\d+) (minute|minutes|hour|hours|day|days)\)", expression)
    if match:
        count, unit = int(match[1]), match[2]
        if count < 1 or (count == 1) != (not unit.endswith("s")):
            raise ValueError(f"{expression}: the unit is singular exactly when the value is 1")
        return Rate(created, count * _UNITS[unit.rstrip("s")])
    match = re.fullmatch(r"cron\((.*)\)", expression)
    if match:
        return _cron(match[1])
    raise ValueError(f"{expression} is neither rate(...) nor cron(...)")
