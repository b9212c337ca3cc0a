"""Tests of throttle.py and rate_limits.py: the optional request-rate limits, their wire errors as
botocore parses them, the token buckets (refilled by moving the emulator clock), the control route,
the 501 for what moto does not implement, and Terraform's AWS provider absorbing the throttling.

Run: python3 -m unittest test_throttle (in emulator/), or every module: npm run test:emulator
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import tempfile
import time
import unittest
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError
from botocore.retries.standard import RetryContext, ThrottledRetryableChecker

import rate_limits
import tf_smoke
from testing_support import ACCOUNT, REGION, SONNET, EmulatorTestCase, ModuleServer, client, control, emulator, reset

PROFILE_SOURCE = f"arn:aws:bedrock:us-east-1:{ACCOUNT}:inference-profile/{SONNET}"
#: A rate so low that no token comes back while a test runs (one per 1000 s), unless the clock moves.
TRICKLE = 0.001


def configure(body: dict[str, Any]) -> dict[str, Any]:
    return control("rate-limits", body, method="PUT")


def refused(body: Any) -> tuple[int, str]:
    """The status and message of a PUT the route refuses."""
    data = body if isinstance(body, bytes) else json.dumps(body).encode()
    request = urllib.request.Request(f"{emulator().endpoint}/_emulator/rate-limits", data=data, method="PUT")
    try:
        urllib.request.urlopen(request, timeout=10)
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())["message"]
    raise AssertionError(f"PUT {body!r} was accepted")


def counters() -> dict[str, dict[str, int]]:
    return control("rate-limits")["counters"]


def throttled(fn: Any, *args: Any, **kwargs: Any) -> ClientError:
    try:
        fn(*args, **kwargs)
    except ClientError as error:
        return error
    raise AssertionError("the call was not refused")


class TableTest(unittest.TestCase):
    def test_the_readme_table_is_the_table(self) -> None:
        text = (Path(__file__).parent / "README.md").read_text()
        section = text[text.index("## Rate limits") : text.index("## Tests and lint")]
        documented = set()
        for line in section.splitlines():
            cells = [cell.strip() for cell in line.strip("|").split("|")]
            if len(cells) == 5 and cells[0] in {"bedrock", "budgets", "iam", "sts"}:
                operations = cells[1].replace("(one shared bucket)", "")
                for name in operations.split(","):
                    documented.add((cells[0], name.strip(), float(cells[2]), int(cells[3])))
        self.assertEqual({(r.service, r.operation, r.rate, r.burst) for r in rate_limits.TABLE}, documented)


class RateLimitTest(EmulatorTestCase):
    def test_off_by_default(self) -> None:
        state = control("rate-limits")
        self.assertFalse(state["enabled"])
        bedrock = client("bedrock")
        for _ in range(15):  # more than the burst of 10
            bedrock.list_inference_profiles()
        self.assertEqual({}, counters())

    def test_the_table_cites_a_source_for_every_row(self) -> None:
        rows = control("rate-limits")["limits"]
        self.assertEqual(len(rate_limits.TABLE), len(rows))
        for row in rows:
            with self.subTest(f"{row['service']}:{row['operation']}"):
                self.assertTrue(row["source"].startswith("https://"))
                self.assertTrue(row["quota"])
                self.assertGreater(row["rate"], 0)
                self.assertGreaterEqual(row["burst"], 1)
        sts = [row for row in rows if row["service"] == "sts"]
        self.assertTrue(all(row["rate"] == 600 and row["assumption"] and "burst" in row["assumption"] for row in sts))
        self.assertEqual({"sts"}, {row["bucket"] for row in sts})

    def test_iam_answers_throttling_as_query_xml(self) -> None:
        configure({"enabled": True, "overrides": {"iam:GetRole": {"rate": TRICKLE, "burst": 1}}})
        iam = client("iam")
        self.assertError("NoSuchEntity", iam.get_role, RoleName="nobody")  # the token: moto answers
        error = throttled(iam.get_role, RoleName="nobody")
        self.assertEqual("Throttling", error.response["Error"]["Code"])
        self.assertEqual("Sender", error.response["Error"]["Type"])
        self.assertEqual("Rate exceeded", error.response["Error"]["Message"])
        meta = error.response["ResponseMetadata"]
        self.assertEqual(400, meta["HTTPStatusCode"])
        self.assertEqual("text/xml", meta["HTTPHeaders"]["content-type"])
        self.assertTrue(meta["RequestId"])
        self.assertTrue(self.retried_as_throttling(error))
        self.assertEqual({"iam:GetRole": {"allowed": 1, "throttled": 1}}, counters())

    def test_sts_operations_share_one_quota(self) -> None:
        configure({"enabled": True, "overrides": {"sts:GetCallerIdentity": {"rate": TRICKLE, "burst": 2}}})
        sts = client("sts")
        sts.get_caller_identity()
        sts.get_session_token()
        error = throttled(sts.get_caller_identity)
        self.assertEqual("Throttling", error.response["Error"]["Code"])
        self.assertEqual(400, error.response["ResponseMetadata"]["HTTPStatusCode"])
        self.assertEqual(
            {
                "sts:GetCallerIdentity": {"allowed": 1, "throttled": 1},
                "sts:GetSessionToken": {"allowed": 1, "throttled": 0},
            },
            counters(),
        )

    def test_budgets_answers_throttling_as_json(self) -> None:
        configure({"enabled": True, "overrides": {"budgets:DescribeBudgets": {"rate": TRICKLE, "burst": 1}}})
        budgets = client("budgets")
        budgets.describe_budgets(AccountId=ACCOUNT)
        error = throttled(budgets.describe_budgets, AccountId=ACCOUNT)
        self.assertIsInstance(error, budgets.exceptions.ThrottlingException)
        self.assertEqual("Rate exceeded", error.response["Message"])
        meta = error.response["ResponseMetadata"]
        self.assertEqual(400, meta["HTTPStatusCode"])
        self.assertEqual("application/x-amz-json-1.1", meta["HTTPHeaders"]["content-type"])
        self.assertTrue(meta["RequestId"])
        self.assertTrue(self.retried_as_throttling(error))

    def test_bedrock_answers_throttling_as_rest_json_429(self) -> None:
        configure({"enabled": True, "overrides": {"bedrock:ListInferenceProfiles": {"rate": TRICKLE, "burst": 1}}})
        bedrock = client("bedrock")
        bedrock.list_inference_profiles()
        error = throttled(bedrock.list_inference_profiles)
        self.assertIsInstance(error, bedrock.exceptions.ThrottlingException)
        self.assertEqual("Rate exceeded", error.response["Error"]["Message"])
        meta = error.response["ResponseMetadata"]
        self.assertEqual(429, meta["HTTPStatusCode"])
        self.assertEqual("ThrottlingException", meta["HTTPHeaders"]["x-amzn-errortype"])
        self.assertTrue(meta["RequestId"])
        self.assertTrue(self.retried_as_throttling(error))

    def test_a_throttled_create_creates_nothing(self) -> None:
        configure({"enabled": True, "overrides": {"bedrock:CreateInferenceProfile": {"rate": TRICKLE, "burst": 1}}})
        bedrock = client("bedrock")
        bedrock.create_inference_profile(inferenceProfileName="first", modelSource={"copyFrom": PROFILE_SOURCE})
        throttled(
            bedrock.create_inference_profile, inferenceProfileName="second", modelSource={"copyFrom": PROFILE_SOURCE}
        )
        summaries = bedrock.list_inference_profiles(typeEquals="APPLICATION")["inferenceProfileSummaries"]
        self.assertEqual(["first"], [p["inferenceProfileName"] for p in summaries])

    def test_buckets_refill_on_the_emulator_clock_up_to_the_burst(self) -> None:
        configure({"enabled": True, "overrides": {"bedrock:ListInferenceProfiles": {"rate": TRICKLE, "burst": 2}}})
        bedrock = client("bedrock")
        self.assertEqual([True, True, False], [self.allowed(bedrock) for _ in range(3)])
        control("clock", {"advanceSeconds": 1 / TRICKLE})  # one token back
        self.assertEqual([True, False], [self.allowed(bedrock) for _ in range(2)])
        control("clock", {"advanceSeconds": 5 / TRICKLE})  # five tokens' worth, capped at the burst
        self.assertEqual([True, True, False], [self.allowed(bedrock) for _ in range(3)])
        control("clock", {"advanceSeconds": -10 / TRICKLE})  # moving the clock back adds nothing
        self.assertFalse(self.allowed(bedrock))
        self.assertEqual({"allowed": 5, "throttled": 4}, counters()["bedrock:ListInferenceProfiles"])

    def test_scale_multiplies_the_rates_not_the_bursts(self) -> None:
        state = configure({"enabled": True, "scale": 0.5})
        row = next(r for r in state["limits"] if r["operation"] == "GetInferenceProfile")
        self.assertEqual((5.0, 10, 10.0, 10), (row["rate"], row["burst"], row["defaultRate"], row["defaultBurst"]))
        configure({"scale": TRICKLE / 10, "overrides": {"bedrock:ListInferenceProfiles": {"burst": 1}}})
        bedrock = client("bedrock")
        self.assertEqual([True, False], [self.allowed(bedrock) for _ in range(2)])
        control("clock", {"advanceSeconds": 1 / TRICKLE})  # rate 10 * scale: one token per 1000 s
        self.assertTrue(self.allowed(bedrock))

    def test_buckets_are_per_account_and_region(self) -> None:
        configure({"enabled": True, "overrides": {"bedrock:ListInferenceProfiles": {"rate": TRICKLE, "burst": 1}}})
        self.assertTrue(self.allowed(client("bedrock")))
        self.assertFalse(self.allowed(client("bedrock")))
        self.assertTrue(self.allowed(client("bedrock", region="us-west-2")))
        self.assertTrue(self.allowed(client("bedrock", account="210987654321")))
        self.assertFalse(self.allowed(client("bedrock", account="210987654321")))

    def test_operations_outside_the_table_are_never_throttled(self) -> None:
        configure({"enabled": True, "scale": TRICKLE})
        logs = client("logs")
        for _ in range(5):
            logs.describe_log_groups()
        self.assertNotIn("logs:DescribeLogGroups", counters())

    def test_switching_off_stops_throttling_and_reset_restores_the_start_configuration(self) -> None:
        configure({"enabled": True, "overrides": {"bedrock:ListInferenceProfiles": {"rate": TRICKLE, "burst": 1}}})
        bedrock = client("bedrock")
        self.assertEqual([True, False], [self.allowed(bedrock) for _ in range(2)])
        configure({"enabled": False})
        self.assertTrue(self.allowed(bedrock))
        configure({"enabled": True})  # the overrides stay; the buckets start full again
        self.assertEqual([True, False], [self.allowed(bedrock) for _ in range(2)])
        reset()
        state = control("rate-limits")
        self.assertEqual(
            (False, 1.0, {}, {}), (state["enabled"], state["scale"], state["overrides"], state["counters"])
        )

    def test_control_validation_names_every_problem_and_changes_nothing(self) -> None:
        before = control("rate-limits")
        status, message = refused(
            {
                "enabled": "yes",
                "scale": 0,
                "colour": "red",
                "overrides": {
                    "bedrock:NoSuchOperation": {"rate": 1},
                    "bedrock:GetInferenceProfile": {"rate": -1, "burst": 1.5, "limit": 3},
                    "iam:GetRole": {},
                    "sts:GetCallerIdentity": {"rate": 1},
                    "sts:AssumeRole": {"rate": 2},
                },
            }
        )
        self.assertEqual(400, status)
        for problem in (
            "unknown field 'colour'",
            "enabled must be true or false, got 'yes'",
            "scale must be a number greater than 0, got 0",
            "'bedrock:NoSuchOperation' is not in the table",
            "bedrock:GetInferenceProfile has unknown field 'limit'",
            "bedrock:GetInferenceProfile rate must be a number greater than 0, got -1",
            "bedrock:GetInferenceProfile burst must be an integer of at least 1, got 1.5",
            "iam:GetRole must be an object with rate and/or burst",
            "sts:GetCallerIdentity, sts:AssumeRole share the sts quota but differ",
        ):
            self.assertIn(problem, message)
        self.assertEqual((400, "the body must be a JSON object"), refused([1]))
        self.assertEqual((400, "the body is not JSON"), refused(b"{"))
        self.assertEqual(
            (400, "overrides must be an object of '<service>:<Operation>': {rate, burst}"), refused({"overrides": []})
        )
        self.assertEqual(before, control("rate-limits"))

    def allowed(self, bedrock: Any) -> bool:
        try:
            bedrock.list_inference_profiles()
        except ClientError as error:
            self.assertEqual("ThrottlingException", error.response["Error"]["Code"])
            return False
        return True

    @staticmethod
    def retried_as_throttling(error: ClientError) -> bool:
        """Whether botocore's standard retry mode retries the error as throttling."""
        return ThrottledRetryableChecker().is_retryable(RetryContext(attempt_number=1, parsed_response=error.response))


class NotImplementedTest(EmulatorTestCase):
    """Calls moto lacks answer 501 NotImplemented in the service's protocol, which no SDK retries."""

    def call(self, service: str, method: str, **params: Any) -> ClientError:
        made = boto3.client(
            service,
            endpoint_url=emulator().endpoint,
            region_name=REGION,
            aws_access_key_id="test",
            aws_secret_access_key="test",
            config=Config(retries={"max_attempts": 5, "mode": "standard"}),
        )
        started = time.monotonic()
        error = throttled(getattr(made, method), **params)
        self.assertLess(time.monotonic() - started, 5)
        self.assertEqual("NotImplemented", error.response["Error"]["Code"])
        self.assertEqual(501, error.response["ResponseMetadata"]["HTTPStatusCode"])
        self.assertEqual(0, error.response["ResponseMetadata"]["RetryAttempts"])
        return error

    def test_rest_json(self) -> None:
        error = self.call("bedrock", "list_prompt_routers")
        self.assertIn("The emulator does not implement bedrock ListPromptRouters", error.response["Error"]["Message"])

    def test_json(self) -> None:
        error = self.call("logs", "list_anomalies")
        self.assertIn("does not implement logs ListAnomalies", error.response["Error"]["Message"])

    def test_query(self) -> None:
        error = self.call(
            "iam",
            "add_client_id_to_open_id_connect_provider",
            OpenIDConnectProviderArn=f"arn:aws:iam::{ACCOUNT}:oidc-provider/idp.example.com",
            ClientID="client",
        )
        self.assertIn("does not implement iam AddClientIDToOpenIDConnectProvider", error.response["Error"]["Message"])

    def test_with_the_rate_limits_on(self) -> None:
        configure({"enabled": True})
        self.call("sts", "decode_authorization_message", EncodedMessage="x")
        self.assertEqual({"allowed": 1, "throttled": 0}, counters()["sts:DecodeAuthorizationMessage"])


@unittest.skipUnless(shutil.which("terraform"), "terraform is not on PATH")
class TerraformAbsorbsThrottlingTest(unittest.TestCase):
    """Terraform's AWS provider (default retries) applies through the rate limits."""

    server: ModuleServer

    @classmethod
    def setUpClass(cls) -> None:
        cls.server = ModuleServer("ccb-throttle-test-", "--rate-limits").start()

    @classmethod
    def tearDownClass(cls) -> None:
        cls.server.stop()

    def rate_limits(self, body: Any = None) -> dict[str, Any]:
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(
            f"{self.server.endpoint}/_emulator/rate-limits", data=data, method="PUT" if data else "GET"
        )
        with urllib.request.urlopen(request, timeout=10) as response:
            return json.loads(response.read())

    def test_the_server_flag_turns_them_on_and_a_reset_keeps_them_on(self) -> None:
        self.assertTrue(self.rate_limits()["enabled"])
        urllib.request.urlopen(urllib.request.Request(f"{self.server.endpoint}/moto-api/reset", method="POST"))
        self.assertTrue(self.rate_limits()["enabled"])

    def test_apply_succeeds_through_throttling(self) -> None:
        self.rate_limits(
            {
                "overrides": {
                    "bedrock:CreateInferenceProfile": {"rate": 5, "burst": 1},
                    "bedrock:GetInferenceProfile": {"rate": 10, "burst": 2},
                }
            }
        )
        with tempfile.TemporaryDirectory(prefix="ccb-throttle-tf-") as root:
            work = tf_smoke.prepare_separate("throttled_profiles", Path(root))
            env = {
                **os.environ,
                "TF_CLI_CONFIG_FILE": tf_smoke.terraform_cli_config(),
                "TF_IN_AUTOMATION": "1",
                "CHECKPOINT_DISABLE": "1",
                "AWS_EC2_METADATA_DISABLED": "true",
            }
            variables = ["-var", f"endpoint={self.server.endpoint}", "-var", "profiles=10"]
            for args in (["init"], ["apply", "-auto-approve", *variables]):
                run = subprocess.run(
                    ["terraform", *args, "-input=false", "-no-color"],
                    cwd=work,
                    env=env,
                    capture_output=True,
                    text=True,
                    timeout=600,
                )
                self.assertEqual(0, run.returncode, run.stdout[-4000:] + run.stderr[-4000:])
        counts = self.rate_limits()["counters"]
        self.assertEqual(10, counts["bedrock:CreateInferenceProfile"]["allowed"])
        self.assertGreater(counts["bedrock:CreateInferenceProfile"]["throttled"], 0)
        profiles = client("bedrock", endpoint=self.server.endpoint).list_inference_profiles(typeEquals="APPLICATION")
        self.assertEqual(10, len(profiles["inferenceProfileSummaries"]))


if __name__ == "__main__":
    unittest.main()
