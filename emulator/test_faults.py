"""Tests of faults.py: answers held after the call was performed (``hold-after``), released by
``DELETE /_emulator/faults`` or moto's reset, and the validation of the control routes.

Run: python3 -m unittest test_faults (in emulator/), or every module: npm run test:emulator
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any, Callable

from testing_support import EmulatorTestCase, client, control, emulator

GROUP = "/aws/bedrock/acme-invocations"


def refused(path: str, body: Any = None, method: str | None = None) -> tuple[int, str]:
    """``(status, message)`` of a control request the emulator refuses."""
    try:
        control(path, body, method)
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())["message"]
    raise AssertionError(f"{method or 'POST'} /_emulator/{path} was accepted")


class HoldAfterTest(EmulatorTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.logs = client("logs")
        self.pool = ThreadPoolExecutor(max_workers=4)
        self.addCleanup(self.pool.shutdown)
        self.addCleanup(control, "faults", method="DELETE")

    def background(self, call: Callable[[], Any]) -> Future[Any]:
        return self.pool.submit(call)

    def groups(self) -> list[str]:
        return [g["logGroupName"] for g in self.logs.describe_log_groups()["logGroups"]]

    def test_the_call_is_performed_and_its_answer_held_until_released(self) -> None:
        fault = control("faults", {"operation": "logs:CreateLogGroup", "mode": "hold-after"})["fault"]
        expected = {"operation": "logs:CreateLogGroup", "mode": "hold-after", "count": 1, "taken": 0, "held": 0}
        self.assertEqual(fault, {"id": fault["id"], **expected})
        create = self.background(lambda: self.logs.create_log_group(logGroupName=GROUP))
        status = control("faults?wait=10")
        self.assertEqual(status["held"], 1)
        self.assertEqual(status["faults"][0]["taken"], 1)
        self.assertFalse(create.done())
        self.assertEqual(self.groups(), [GROUP])  # created, though the caller has no answer yet
        self.assertEqual(control("faults", method="DELETE"), {"released": 1})
        self.assertEqual(create.result(timeout=10)["ResponseMetadata"]["HTTPStatusCode"], 200)
        self.assertEqual(control("faults"), {"held": 0, "faults": []})

    def test_count_calls_are_held_and_later_ones_answered(self) -> None:
        control("faults", {"operation": "iam:CreateRole", "mode": "hold-after", "count": 2})
        iam = client("iam")
        trust = json.dumps({"Version": "2012-10-17", "Statement": []})
        held = [
            self.background(lambda n=n: iam.create_role(RoleName=f"held-{n}", AssumeRolePolicyDocument=trust))
            for n in range(2)
        ]
        self.assertEqual(control("faults?wait=10&held=2")["held"], 2)
        iam.create_role(RoleName="answered", AssumeRolePolicyDocument=trust)  # the third is not held
        iam.get_role(RoleName="held-0")  # other operations pass
        self.assertEqual(control("faults")["faults"][0]["taken"], 2)
        self.assertEqual(control("faults", method="DELETE"), {"released": 2})
        self.assertEqual(sorted(f.result(timeout=10)["Role"]["RoleName"] for f in held), ["held-0", "held-1"])

    def test_a_failed_call_is_answered_at_once_and_does_not_count(self) -> None:
        self.logs.create_log_group(logGroupName=GROUP)
        control("faults", {"operation": "logs:CreateLogGroup", "mode": "hold-after"})
        self.assertError("ResourceAlreadyExistsException", self.logs.create_log_group, logGroupName=GROUP)
        status = control("faults")
        self.assertEqual((status["held"], status["faults"][0]["taken"]), (0, 0))

    def test_a_client_that_gave_up_is_dropped_on_release_and_the_server_goes_on(self) -> None:
        control("faults", {"operation": "logs:CreateLogGroup", "mode": "hold-after"})
        # One retry after a 1-second read timeout, as the AWS SDKs retry a timed-out call.
        impatient = client("logs", read_timeout=1, retries={"total_max_attempts": 2, "mode": "standard"})
        # The SDK gives up waiting and retries the create, which the emulator performed: the retry
        # is refused, exactly what an apply meets when a create's answer is lost.
        self.assertError("ResourceAlreadyExistsException", impatient.create_log_group, logGroupName=GROUP)
        self.assertEqual(control("faults")["held"], 1)
        self.assertEqual(control("faults", method="DELETE"), {"released": 1})
        self.assertEqual(self.groups(), [GROUP])

    def test_a_wait_ends_after_its_seconds_when_nothing_is_held(self) -> None:
        control("faults", {"operation": "sns:CreateTopic", "mode": "hold-after"})
        status = control("faults?wait=0.2")
        self.assertEqual(status["held"], 0)
        self.assertEqual(status["faults"][0]["operation"], "sns:CreateTopic")

    def test_moto_reset_releases_held_requests_and_clears_the_faults(self) -> None:
        control("faults", {"operation": "logs:CreateLogGroup", "mode": "hold-after"})
        create = self.background(lambda: self.logs.create_log_group(logGroupName=GROUP))
        self.assertEqual(control("faults?wait=10")["held"], 1)
        request = urllib.request.Request(f"{emulator().endpoint}/moto-api/reset", method="POST")
        urllib.request.urlopen(request, timeout=10).close()
        self.assertEqual(create.result(timeout=10)["ResponseMetadata"]["HTTPStatusCode"], 200)
        self.assertEqual(control("faults"), {"held": 0, "faults": []})


class ValidationTest(EmulatorTestCase):
    def test_a_bad_fault_is_refused_with_every_problem(self) -> None:
        status, message = refused("faults", {"operation": "logs:CreateGroup", "mode": "hold", "count": 0, "extra": 1})
        self.assertEqual(status, 400)
        self.assertEqual(
            message,
            "unknown field 'extra'; operation 'logs:CreateGroup' is not an operation of a service signed as 'logs'; "
            "mode must be one of hold-after, got 'hold'; count must be an integer of at least 1, got 0",
        )
        self.assertEqual(control("faults")["faults"], [])

    def test_operations_are_named_by_signing_name(self) -> None:
        accepted = control("faults", {"operation": "sso:CreatePermissionSet", "mode": "hold-after"})["fault"]
        self.assertEqual(accepted["operation"], "sso:CreatePermissionSet")
        _, message = refused("faults", {"operation": "CreateLogGroup", "mode": "hold-after"})
        self.assertIn("operation must be '<signing name>:<Operation>'", message)
        _, message = refused("faults", ["logs:CreateLogGroup"])
        self.assertEqual(message, "the body must be a JSON object")
        control("faults", method="DELETE")

    def test_a_bad_wait_is_refused_with_every_problem(self) -> None:
        status, message = refused("faults?wait=soon&held=0", method="GET")
        self.assertEqual(status, 400)
        self.assertEqual(
            message, "wait must be a number of seconds, got 'soon'; held must be an integer of at least 1, got '0'"
        )
