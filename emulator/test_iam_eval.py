"""Tests of iam_eval.py through the real Node evaluator (iam_evaluator.mjs).

Run: python3 -m unittest discover -s emulator -p 'test_*.py'

The developer policy is rendered by the built packages (packages/*/dist) for
apps/dev/config.yaml, so the statements are the ones the stack deploys. Skipped
when node or the build is missing (npm run build).
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
import unittest
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import iam_eval  # noqa: E402

ROOT = HERE.parent
ACCOUNT = "123456789012"
JANE = "jane.doe@example.com"
APP_PROFILE = f"arn:aws:bedrock:us-east-1:{ACCOUNT}:application-inference-profile/abc123def456"

RENDER = """
const core = require('@claude-code-bedrock/core');
const f = require('@claude-code-bedrock/foundation');
const config = core.loadConfigFile('apps/dev/config.yaml');
const statements = f.developerPolicyStatements({
  partition: 'aws', region: config.region, accountId: config.accountId, project: config.project,
  tiers: core.resolveTiers(config), identity: config.access.identity,
  allowedRegions: config.access.allowedRegions,
});
process.stdout.write(JSON.stringify({ project: config.project, document: f.toPolicyDocument(statements) }));
"""


def render_developer_policy() -> dict[str, Any]:
    """{"project", "document"} of the dev developer policy (the packages must be built)."""
    out = subprocess.run([iam_eval.node_binary(), "-e", RENDER], cwd=ROOT, capture_output=True, text=True, timeout=30)
    if out.returncode != 0:
        raise RuntimeError(f"cannot render the developer policy (run `npm run build` first):\n{out.stderr}")
    return json.loads(out.stdout)


POLICY = render_developer_policy()


class IamEvalTest(unittest.TestCase):
    @classmethod
    def tearDownClass(cls) -> None:
        iam_eval.close()

    def request(self, **context: Any) -> dict[str, Any]:
        assert POLICY is not None
        return {
            "principalArn": f"arn:aws:sts::{ACCOUNT}:assumed-role/acme-claude-developer/{JANE}",
            "action": "bedrock:InvokeModel",
            "resourceArn": APP_PROFILE,
            "resourceAccount": ACCOUNT,
            "identityPolicies": [{"name": "acme-claude-developer", "document": POLICY["document"]}],
            "context": {
                "aws:PrincipalTag/User": JANE,
                "aws:ResourceTag/User": JANE,
                "aws:ResourceTag/Project": POLICY["project"],
                "aws:RequestedRegion": "us-east-1",
                **context,
            },
        }

    def test_allow_implicit_and_explicit_deny(self) -> None:
        bearer = {**self.request(), "action": "bedrock:CallWithBearerToken"}
        results = iam_eval.evaluate(
            [self.request(), self.request(**{"aws:PrincipalTag/User": "bob.smith"}), bearer]
        )
        self.assertEqual(
            results,
            [
                {"decision": "Allowed", "deniedBy": None, "statements": ["InvokeOwnApplicationInferenceProfiles"]},
                {"decision": "ImplicitlyDenied", "deniedBy": "identity", "statements": []},
                {"decision": "ExplicitlyDenied", "deniedBy": "identity", "statements": ["DenyBedrockApiKeys"]},
            ],
        )

    def test_malformed_request_is_an_error_result(self) -> None:
        results = iam_eval.evaluate([{"action": "bedrock:InvokeModel"}, self.request()])
        self.assertEqual(results[0]["decision"], "Error")
        self.assertIn("principalArn", results[0]["error"])
        self.assertEqual(results[1]["decision"], "Allowed")
        self.assertEqual(iam_eval.evaluate([]), [])

    def test_concurrent_callers_share_one_child(self) -> None:
        allowed, denied = self.request(), self.request(**{"aws:PrincipalTag/User": "bob.smith"})
        errors: list[str] = []

        def worker(n: int) -> None:
            for i in range(10):
                expected = "Allowed" if (n + i) % 2 == 0 else "ImplicitlyDenied"
                [result] = iam_eval.evaluate([allowed if expected == "Allowed" else denied])
                if result["decision"] != expected:
                    errors.append(f"thread {n} call {i}: {result}")

        threads = [threading.Thread(target=worker, args=(n,)) for n in range(8)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        self.assertEqual(errors, [])

    def test_restart_after_the_child_is_killed(self) -> None:
        iam_eval.evaluate([self.request()])
        pid = iam_eval.child_pid()
        self.assertIsNotNone(pid)
        assert pid is not None
        os.kill(pid, signal.SIGKILL)
        deadline = time.monotonic() + 5
        while (child := iam_eval._process.child) is not None and child.alive() and time.monotonic() < deadline:
            time.sleep(0.01)
        [result] = iam_eval.evaluate([self.request()])
        self.assertEqual(result["decision"], "Allowed")
        self.assertNotEqual(iam_eval.child_pid(), pid)

    def test_close_stops_the_child(self) -> None:
        iam_eval.evaluate([self.request()])
        child = iam_eval._process.child
        assert child is not None
        iam_eval.close()
        self.assertIsNotNone(child.proc.poll())
        self.assertIsNone(iam_eval.child_pid())

    def test_unusable_node_raises_runtime_error_with_stderr(self) -> None:
        iam_eval.close()
        previous = os.environ.get("NODE")
        with tempfile.TemporaryDirectory() as tmp:
            fake = Path(tmp) / "node"
            fake.write_text("#!/bin/sh\necho 'cannot find module' >&2\nexit 3\n")
            fake.chmod(0o755)
            os.environ["NODE"] = str(fake)  # starts, fails at once, never answers
            try:
                with self.assertRaises(RuntimeError) as caught:
                    iam_eval.evaluate([self.request()])
            finally:
                if previous is None:
                    del os.environ["NODE"]
                else:
                    os.environ["NODE"] = previous
                iam_eval.close()
        message = str(caught.exception)
        self.assertIn("failed twice", message)
        self.assertIn("exit code 3", message)
        self.assertIn("cannot find module", message)
        self.assertEqual(iam_eval.evaluate([self.request()])[0]["decision"], "Allowed")


if __name__ == "__main__":
    unittest.main()
