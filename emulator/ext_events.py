"""Amazon EventBridge extensions for moto 5.2.1: schedules fire, Lambda targets are invoked.

moto 5.2.1 stores rules with a ``ScheduleExpression`` but never fires them, and delivers matching
events (``PutEvents``) to SQS, CloudWatch Logs and event buses but not to Lambda functions. Here:

- ``PutRule`` validates ``ScheduleExpression`` with ``schedule.py`` (``ValidationException``
  "Parameter ScheduleExpression is not valid."; moto accepted any ``cron(...)``).
- Schedules run on the emulator clock (``clock.py``). When the clock is moved forward past one or
  more firing times of an enabled rule, the rule fires **once, for the latest missed time** (AWS
  would have fired at each; a jump of a month fires a monthly reset once, a daily one once). A
  background timer (``start_scheduler``, every ``CCB_EMULATOR_SCHEDULE_INTERVAL`` seconds, default
  2) fires what real time makes due. A firing sends the scheduled event
  ``{"version": "0", "id", "detail-type": "Scheduled Event", "source": "aws.events", "account",
  "time": <firing time, ISO 8601 Z>, "region", "resources": [<rule ARN>], "detail": {}}`` to the
  rule's targets (moto's delivery for the others).
- Lambda targets (of scheduled and of event-pattern rules) are invoked asynchronously
  (``ext_lambda.enqueue``) with the event, or the target's ``Input`` / ``InputPath`` /
  ``InputTransformer``, once the function's resource policy lets ``events.amazonaws.com`` invoke
  it for the rule (``aws:SourceArn``); metrics ``AWS/Events`` ``TriggeredRules``,
  ``Invocations``, ``FailedInvocations`` (dimension ``RuleName``).
"""

# Extensions keep their state on moto's objects, as attributes moto's classes do not declare
# (ext_common.extend_init): pyright's check of attribute names cannot know them.
# pyright: reportAttributeAccessIssue=false

from __future__ import annotations

import copy
import json
import os
import sys
import threading
import uuid
from datetime import datetime, timezone
from typing import Any

from moto.events.exceptions import ValidationException
from moto.events.models import EventsBackend, Rule, events_backends
from moto.events.utils import EventTemplateParser

import clock
import ext_lambda
import schedule
from ext_common import extend_init, patch

INTERVAL = float(os.environ.get("CCB_EMULATOR_SCHEDULE_INTERVAL", "2"))
INVALID_SCHEDULE = "Parameter ScheduleExpression is not valid."


def _init_rule(self: Rule) -> None:
    self.schedule_created = clock.now()  # rate(...) counts from here
    self.schedule_checked = self.schedule_created  # firings up to here are done


extend_init(Rule, _init_rule)

_original_put_rule = EventsBackend.put_rule
_original_send = Rule.send_to_targets


@patch(EventsBackend)
def put_rule(self: EventsBackend, name: str, **kwargs: Any) -> Rule:
    expression = kwargs.get("scheduled_expression")
    if expression:
        try:
            schedule.parse(expression, clock.now())
        except ValueError:
            raise ValidationException(INVALID_SCHEDULE) from None
    return _original_put_rule(self, name, **kwargs)


def _metric(rule: Rule, name: str) -> None:
    ext_lambda.put_metric(rule.account_id, rule.region_name, "AWS/Events", name, 1, {"RuleName": rule.name}, "Count")


def _aws_event(event: dict[str, Any]) -> dict[str, Any]:
    """The event as AWS delivers it: without moto's ``ingestion-time``, ``time`` in ISO 8601 (moto's
    PutEvents dates events with epoch seconds)."""
    clean = {k: v for k, v in event.items() if k != "ingestion-time"}
    if isinstance(clean.get("time"), (int, float)):
        clean["time"] = clock.iso(datetime.fromtimestamp(clean["time"], timezone.utc), millis=False)
    return clean


def _target_input(target: dict[str, Any], event: dict[str, Any]) -> bytes:
    """What a target receives: its ``Input``, ``InputPath`` or ``InputTransformer`` (moto's template
    parser, which wants moto's event), else the event."""
    if target.get("Input") is not None:
        return str(target["Input"]).encode("utf-8")
    if target.get("InputPath"):
        from jsonpath_ng.ext import parse as jsonpath

        found = jsonpath(target["InputPath"]).find(_aws_event(event))
        return json.dumps(found[0].value if found else None).encode("utf-8")
    transformer = target.get("InputTransformer")
    if transformer:
        value = EventTemplateParser.parse(
            input_template=transformer.get("InputTemplate"),
            input_paths_map=transformer.get("InputPathsMap", {}),
            event=event,  # type: ignore[arg-type]
        )
        return (value if isinstance(value, str) else json.dumps(value)).encode("utf-8")
    return json.dumps(_aws_event(event)).encode("utf-8")


def _invoke_lambda(rule: Rule, target: dict[str, Any], event: dict[str, Any]) -> None:
    fn = ext_lambda.find_function(target["Arn"])
    if fn is None or not ext_lambda.service_may_invoke(fn, "events", rule.arn, rule.account_id):
        print(
            f"events: {target['Arn']} refused the invocation from {rule.arn} (deleted, or no permission)",
            file=sys.stderr,
            flush=True,
        )
        _metric(rule, "FailedInvocations")
        return
    _metric(rule, "Invocations")
    ext_lambda.enqueue(fn, _target_input(target, event))


@patch(Rule)
def send_to_targets(self: Rule, original_event: Any, transform_input: bool = True) -> None:
    """moto's delivery to the targets it knows (it raises NotImplementedError on a Lambda target),
    plus Lambda targets."""
    lambdas = [t for t in list(self.targets) if str(t.get("Arn", "")).split(":")[2:3] == ["lambda"]]
    others = copy.copy(self)
    others.targets = [t for t in list(self.targets) if t not in lambdas]
    _original_send(others, original_event, transform_input)
    if not self.event_pattern.matches_event(original_event):
        return
    for target in lambdas:
        _invoke_lambda(self, target, original_event)


def fire(rule: Rule, at: datetime) -> dict[str, Any]:
    """Sends the scheduled event of a firing at ``at`` to the rule's targets; returns the event."""
    event = {
        "version": "0",
        "id": str(uuid.uuid4()),
        "detail-type": "Scheduled Event",
        "source": "aws.events",
        "account": rule.account_id,
        "time": clock.iso(at, millis=False),
        "region": rule.region_name,
        "resources": [rule.arn],
        "detail": {},
    }
    _metric(rule, "TriggeredRules")
    # moto's own targets take its event shape (epoch-second times, ingestion-time); _aws_event undoes it.
    moto_event: Any = {**event, "time": at.timestamp(), "ingestion-time": clock.now().timestamp()}
    rule.send_to_targets(moto_event)
    return event


_check_lock = threading.Lock()


def _scheduled_rules() -> list[Rule]:
    rules = []
    for _, by_region in list(events_backends.items()):
        for _, backend in list(by_region.items()):
            for bus in list(backend.event_buses.values()):
                rules += [r for r in list(bus.rules.values()) if r.scheduled_expression]
    return rules


def check_schedules(now: datetime | None = None) -> int:
    """Fires every enabled rule with a firing time since its last check (once, for the latest);
    returns how many fired."""
    now = now or clock.now()
    fired = 0
    with _check_lock:
        for rule in _scheduled_rules():
            after = rule.schedule_checked
            rule.schedule_checked = now
            if rule.state != "ENABLED" or now <= after:
                continue
            try:
                at = schedule.parse(str(rule.scheduled_expression), rule.schedule_created).latest(after, now)
            except ValueError:
                continue
            if at is not None:
                fire(rule, at)
                fired += 1
    return fired


def _on_clock_change(now: datetime) -> None:
    check_schedules(now)


clock.on_change(_on_clock_change)


def start_scheduler(interval: float = INTERVAL) -> threading.Event:
    """Checks the schedules every ``interval`` seconds in a daemon thread; set the returned event to stop."""
    stop = threading.Event()

    def loop() -> None:
        while not stop.wait(interval):
            try:
                check_schedules()
            except Exception as err:  # keep the timer alive
                print(f"events: schedule check failed: {err!r}", file=sys.stderr, flush=True)

    threading.Thread(target=loop, name="events-scheduler", daemon=True).start()
    return stop

