"""Tests of the Lambda extension (ext_lambda.py) and its Node.js runtime (lambda_runtime.mjs):
Invoke runs the function's zip with the local node, no Docker.

Run: python3 -m unittest test_lambda (in emulator/), or every module: npm run test:emulator
"""

from __future__ import annotations

import base64
import json
import tempfile
import time
import unittest
from pathlib import Path
from typing import Any

from testing_support import (
    ACCOUNT,
    HERE,
    REGION,
    SINK_JS,
    EmulatorTestCase,
    client,
    create_function,
    emulator,
    lambda_role,
    lambda_zip,
    metric_sum,
    read_lines,
    set_clock,
    settle,
)

ECHO_JS = """
exports.handler = async (event, context) => ({
  event,
  functionName: context.functionName,
  functionVersion: context.functionVersion,
  invokedFunctionArn: context.invokedFunctionArn,
  memoryLimitInMB: context.memoryLimitInMB,
  awsRequestId: context.awsRequestId,
  logGroupName: context.logGroupName,
  remaining: context.getRemainingTimeInMillis(),
  now: new Date().toISOString(),
  env: Object.fromEntries(['AWS_REGION', 'AWS_DEFAULT_REGION', 'AWS_LAMBDA_FUNCTION_NAME',
    'AWS_LAMBDA_FUNCTION_MEMORY_SIZE', 'AWS_EXECUTION_ENV', '_HANDLER', 'AWS_ENDPOINT_URL', 'AWS_ACCESS_KEY_ID',
    'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN', 'TABLE', 'TZ'].map((k) => [k, process.env[k]])),
});
"""

# A function that calls DynamoDB, S3 and Bedrock through the AWS SDK for JavaScript v3 (from the
# repository's node_modules, through NODE_PATH): the SDK finds the emulator through AWS_ENDPOINT_URL
# and signs with the execution role's session credentials.
SDK_JS = """
const { DynamoDBClient, UpdateItemCommand } = require('@aws-sdk/client-dynamodb');
const { S3Client, GetObjectCommand } = require('@aws-sdk/client-s3');
const { BedrockClient, TagResourceCommand } = require('@aws-sdk/client-bedrock');
exports.handler = async (event) => {
  const updated = await new DynamoDBClient({}).send(new UpdateItemCommand({
    TableName: 'usage', Key: { pk: { S: 'jane' } }, UpdateExpression: 'ADD spent :c',
    ExpressionAttributeValues: { ':c': { N: String(event.cost) } }, ReturnValues: 'ALL_NEW' }));
  const object = await new S3Client({}).send(new GetObjectCommand({ Bucket: 'caps', Key: 'caps.json' }));
  await new BedrockClient({}).send(new TagResourceCommand({ resourceARN: event.profile,
    tags: [{ key: 'BudgetState', value: 'blocked' }] }));
  return { spent: updated.Attributes.spent.N, caps: JSON.parse(await object.Body.transformToString()) };
};
"""


class LambdaTestCase(EmulatorTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.lam = client("lambda")
        self.tmp = tempfile.TemporaryDirectory(prefix="ccb-lambda-test-")
        self.addCleanup(self.tmp.cleanup)
        self.out = Path(self.tmp.name) / "events.jsonl"

    def invoke(self, name: str, payload: Any = None, **kwargs: Any) -> tuple[dict[str, Any], Any]:
        """Invoke; (the response, the decoded JSON payload or None)."""
        if payload is not None:
            kwargs["Payload"] = json.dumps(payload)
        response = self.lam.invoke(FunctionName=name, **kwargs)
        body = response["Payload"].read()
        return response, json.loads(body) if body else None

    def sink(self, name: str = "sink", **env: str) -> str:
        return create_function(name, {"index.js": SINK_JS}, {"OUT": str(self.out), **env})


class InvokeTest(LambdaTestCase):
    def test_request_response_runs_the_handler_with_the_event_context_and_environment(self) -> None:
        arn = create_function("echo", {"index.js": ECHO_JS}, {"TABLE": "usage"}, MemorySize=256, Timeout=10)
        response, answer = self.invoke("echo", {"hello": "world"})
        self.assertEqual(response["StatusCode"], 200)
        self.assertEqual(response["ExecutedVersion"], "$LATEST")
        self.assertNotIn("FunctionError", response)
        self.assertEqual(answer["event"], {"hello": "world"})
        self.assertEqual(answer["functionName"], "echo")
        self.assertEqual(answer["functionVersion"], "$LATEST")
        self.assertEqual(answer["invokedFunctionArn"], arn)
        self.assertEqual(answer["memoryLimitInMB"], "256")
        self.assertRegex(answer["awsRequestId"], r"^[0-9a-f-]{36}$")
        self.assertEqual(answer["logGroupName"], "/aws/lambda/echo")
        self.assertTrue(3000 < answer["remaining"] <= 10000, answer["remaining"])  # Timeout 10, not the default 3
        env = answer["env"]
        self.assertEqual(
            {k: env[k] for k in ("AWS_REGION", "AWS_DEFAULT_REGION", "AWS_LAMBDA_FUNCTION_NAME", "TABLE", "TZ")},
            {"AWS_REGION": REGION, "AWS_DEFAULT_REGION": REGION, "AWS_LAMBDA_FUNCTION_NAME": "echo", "TABLE": "usage", "TZ": ":UTC"},
        )
        self.assertEqual(env["AWS_LAMBDA_FUNCTION_MEMORY_SIZE"], "256")
        self.assertEqual(env["AWS_EXECUTION_ENV"], "AWS_Lambda_nodejs20.x")
        self.assertEqual(env["_HANDLER"], "index.handler")
        self.assertEqual(env["AWS_ENDPOINT_URL"], emulator().endpoint)

    def test_the_function_signs_as_a_session_of_its_execution_role(self) -> None:
        create_function("echo", {"index.js": ECHO_JS})
        env = self.invoke("echo", {})[1]["env"]
        self.assertTrue(env["AWS_ACCESS_KEY_ID"].startswith("ASIA"), env["AWS_ACCESS_KEY_ID"])
        creds = {
            "AccessKeyId": env["AWS_ACCESS_KEY_ID"],
            "SecretAccessKey": env["AWS_SECRET_ACCESS_KEY"],
            "SessionToken": env["AWS_SESSION_TOKEN"],
        }
        identity = client("sts", creds).get_caller_identity()
        self.assertEqual(identity["Arn"], f"arn:aws:sts::{ACCOUNT}:assumed-role/ccb-test-lambda/echo")
        self.assertEqual(identity["Account"], ACCOUNT)

    def test_es_module_nested_and_callback_handlers(self) -> None:
        create_function("esm", {"index.mjs": "export const handler = async (e) => ({ esm: e.n * 2 });"})
        create_function(
            "nested",
            {"src/app.js": "exports.api = { main: (e, ctx, cb) => setTimeout(() => cb(null, { cb: e.n }), 10) };"},
            handler="src/app.api.main",
        )
        self.assertEqual(self.invoke("esm", {"n": 21})[1], {"esm": 42})
        self.assertEqual(self.invoke("nested", {"n": 7})[1], {"cb": 7})

    def test_a_handler_without_a_result_answers_null(self) -> None:
        create_function("void", {"index.js": "exports.handler = async () => {};"})
        response = self.lam.invoke(FunctionName="void", Payload=b"{}")
        self.assertEqual(response["Payload"].read(), b"null")

    def test_update_function_code_runs_the_new_code(self) -> None:
        create_function("v", {"index.js": "exports.handler = async () => 1;"})
        self.assertEqual(self.invoke("v", {})[1], 1)
        self.lam.update_function_code(FunctionName="v", ZipFile=lambda_zip({"index.js": "exports.handler = async () => 2;"}))
        self.assertEqual(self.invoke("v", {})[1], 2)

    def test_a_published_version_keeps_its_code(self) -> None:
        create_function("v", {"index.js": "exports.handler = async (e, c) => ['one', c.functionVersion];"})
        version = self.lam.publish_version(FunctionName="v")["Version"]
        self.lam.update_function_code(FunctionName="v", ZipFile=lambda_zip({"index.js": "exports.handler = async () => 'two';"}))
        response, answer = self.invoke("v", {}, Qualifier=version)
        self.assertEqual((response["ExecutedVersion"], answer), (version, ["one", version]))
        self.assertEqual(self.invoke("v", {})[1], "two")

    def test_the_function_sees_the_emulator_clock(self) -> None:
        create_function("echo", {"index.js": ECHO_JS})
        set_clock("2027-03-01T12:00:00Z")
        now = self.invoke("echo", {})[1]["now"]
        self.assertTrue(now.startswith("2027-03-01T12:00:0"), now)

    def test_log_tail_and_the_function_log_group(self) -> None:
        create_function("talk", {"index.js": "exports.handler = async () => { console.log('line one\\nline two'); console.error('bad'); return 1; };"})
        response = self.lam.invoke(FunctionName="talk", Payload=b"{}", LogType="Tail")
        tail = base64.b64decode(response["LogResult"]).decode()
        request_id = response["ResponseMetadata"]["HTTPHeaders"].get("x-amzn-requestid")
        self.assertRegex(tail, r"START RequestId: [0-9a-f-]{36} Version: \$LATEST")
        self.assertRegex(tail, r"\tINFO\tline one\rline two\n")
        self.assertRegex(tail, r"\tERROR\tbad\n")
        self.assertRegex(tail, r"END RequestId: ")
        self.assertRegex(tail, r"REPORT RequestId: [0-9a-f-]{36}\tDuration: [0-9.]+ ms\tBilled Duration: \d+ ms\tMemory Size: 128 MB")
        self.assertIsNotNone(request_id)
        logs = client("logs")
        streams = logs.describe_log_streams(logGroupName="/aws/lambda/talk")["logStreams"]
        self.assertEqual(len(streams), 1)
        self.assertRegex(streams[0]["logStreamName"], r"^\d{4}/\d{2}/\d{2}/\[\$LATEST\][0-9a-f]{32}$")
        messages = [e["message"] for e in logs.get_log_events(logGroupName="/aws/lambda/talk", logStreamName=streams[0]["logStreamName"])["events"]]
        self.assertEqual(len(messages), 5)
        self.assertTrue(messages[0].startswith("START") and messages[-1].startswith("REPORT"))
        self.assertNotIn("LogResult", self.lam.invoke(FunctionName="talk", Payload=b"{}"))

    def test_invocations_errors_and_duration_metrics(self) -> None:
        create_function("m", {"index.js": "exports.handler = async (e) => { if (e.fail) throw new Error('x'); };"})
        for payload in ({}, {"fail": True}, {}):
            self.invoke("m", payload)
        dims = {"FunctionName": "m"}
        self.assertEqual(metric_sum("AWS/Lambda", "Invocations", dims), 3)
        self.assertEqual(metric_sum("AWS/Lambda", "Errors", dims), 1)
        self.assertGreater(metric_sum("AWS/Lambda", "Duration", dims), 0)


class InvokeErrorTest(LambdaTestCase):
    def failure(self, name: str, files: dict[str, str], **kwargs: Any) -> dict[str, Any]:
        create_function(name, files, **kwargs)
        response, answer = self.invoke(name, {})
        self.assertEqual(response["StatusCode"], 200)
        self.assertEqual(response["FunctionError"], "Unhandled")
        self.assertEqual(response["ExecutedVersion"], "$LATEST")
        return answer

    def test_a_thrown_error_is_reported_with_type_message_and_trace(self) -> None:
        answer = self.failure("boom", {"index.js": "exports.handler = async () => { throw new TypeError('bad input'); };"})
        self.assertEqual(answer["errorType"], "TypeError")
        self.assertEqual(answer["errorMessage"], "bad input")
        self.assertEqual(answer["trace"][0], "TypeError: bad input")
        self.assertTrue(any("index.js" in line for line in answer["trace"]), answer["trace"])

    def test_a_thrown_string_and_a_callback_error(self) -> None:
        thrown = self.failure("s", {"index.js": "exports.handler = async () => { throw 'plain'; };"})
        self.assertEqual((thrown["errorType"], thrown["errorMessage"], thrown["trace"]), ("string", "plain", []))
        called = self.failure("cb", {"index.js": "exports.handler = (e, c, cb) => cb(new RangeError('late'));"})
        self.assertEqual((called["errorType"], called["errorMessage"]), ("RangeError", "late"))

    def test_runtime_errors_of_the_node_runtime(self) -> None:
        cases = {
            "missing-module": ({"other.js": ""}, "Runtime.ImportModuleError", "Error: Cannot find module 'index'"),
            "missing-export": ({"index.js": "exports.other = 1;"}, "Runtime.HandlerNotFound", "index.handler is undefined or not exported"),
            "syntax": ({"index.js": "exports.handler = async () => {"}, "Runtime.UserCodeSyntaxError", "SyntaxError: "),
            "init-error": ({"index.js": "throw new Error('config missing');"}, "Error", "config missing"),
            "rejection": (
                {"index.js": "exports.handler = (e, c, cb) => { Promise.reject(new Error('lost')); };"},
                "Runtime.UnhandledPromiseRejection",
                "Error: lost",
            ),
        }
        for name, (files, error_type, message) in cases.items():
            with self.subTest(name):
                answer = self.failure(name, files)
                self.assertEqual(answer["errorType"], error_type)
                self.assertTrue(answer["errorMessage"].startswith(message), answer["errorMessage"])

    def test_an_exiting_process_is_a_runtime_exit_error(self) -> None:
        answer = self.failure("exit", {"index.js": "exports.handler = async () => process.exit(3);"})
        self.assertEqual(answer["errorType"], "Runtime.ExitError")
        self.assertRegex(answer["errorMessage"], r"^RequestId: [0-9a-f-]{36} Error: Runtime exited with error: exit status 3$")

    def test_the_timeout_kills_the_function(self) -> None:
        started = time.monotonic()
        answer = self.failure("slow", {"index.js": "exports.handler = () => new Promise((r) => setTimeout(r, 30000));"}, Timeout=1)
        self.assertLess(time.monotonic() - started, 10)
        self.assertEqual(answer["errorType"], "Sandbox.Timedout")
        self.assertRegex(answer["errorMessage"], r"^RequestId: [0-9a-f-]{36} Error: Task timed out after 1\.00 seconds$")

    def test_refused_requests(self) -> None:
        create_function("echo", {"index.js": ECHO_JS})
        self.assertError("ResourceNotFoundException", self.lam.invoke, FunctionName="nope", Payload=b"{}")
        self.assertError("InvalidRequestContentException", self.lam.invoke, FunctionName="echo", Payload=b"{not json")
        self.assertError(
            "RequestTooLargeException", self.lam.invoke, FunctionName="echo", Payload=json.dumps({"x": "a" * (6 * 1024 * 1024)})
        )
        self.assertError(
            "RequestTooLargeException",
            self.lam.invoke,
            FunctionName="echo",
            InvocationType="Event",
            Payload=json.dumps({"x": "a" * (1024 * 1024)}),
        )
        self.lam.create_function(
            FunctionName="py", Runtime="python3.12", Role=lambda_role(), Handler="index.handler", Code={"ZipFile": lambda_zip({"index.py": ""})}
        )
        self.assertError("InvalidRuntimeException", self.lam.invoke, FunctionName="py", Payload=b"{}")


class AsynchronousInvokeTest(LambdaTestCase):
    def test_event_invocations_answer_202_and_run_in_the_background(self) -> None:
        self.sink()
        response = self.lam.invoke(FunctionName="sink", InvocationType="Event", Payload=json.dumps({"n": 1}))
        self.assertEqual(response["StatusCode"], 202)
        self.assertEqual(response["Payload"].read(), b"")
        settle()
        self.assertEqual(read_lines(self.out), [{"n": 1}])
        self.assertEqual(metric_sum("AWS/Lambda", "AsyncEventsReceived", {"FunctionName": "sink"}), 1)

    def test_a_failing_event_invocation_is_retried_then_dropped(self) -> None:
        self.sink()
        self.lam.put_function_event_invoke_config(FunctionName="sink", MaximumRetryAttempts=1)
        self.lam.invoke(FunctionName="sink", InvocationType="Event", Payload=json.dumps({"fail": True}))
        settle()
        self.assertEqual(read_lines(self.out), [{"fail": True}] * 2)
        dims = {"FunctionName": "sink"}
        self.assertEqual(metric_sum("AWS/Lambda", "Errors", dims), 2)
        self.assertEqual(metric_sum("AWS/Lambda", "AsyncEventsDropped", dims), 1)

    def test_default_retries_are_two(self) -> None:
        self.sink(FAIL="1")
        self.lam.invoke(FunctionName="sink", InvocationType="Event", Payload=b"{}")
        settle()
        self.assertEqual(len(read_lines(self.out)), 3)

    def test_dry_run_answers_204_and_runs_nothing(self) -> None:
        self.sink()
        response = self.lam.invoke(FunctionName="sink", InvocationType="DryRun", Payload=b"{}")
        self.assertEqual(response["StatusCode"], 204)
        settle()
        self.assertFalse(self.out.exists())

    def test_moto_triggers_run_the_code_too(self) -> None:
        """SNS delivery to a Lambda subscription goes through moto's LambdaFunction.invoke: no Docker."""
        arn = self.sink()
        sns = client("sns")
        topic = sns.create_topic(Name="alerts")["TopicArn"]
        sns.subscribe(TopicArn=topic, Protocol="lambda", Endpoint=arn)
        sns.publish(TopicArn=topic, Message="over the cap")
        records = read_lines(self.out)
        self.assertEqual(len(records), 1)
        self.assertEqual(records[0]["Records"][0]["Sns"]["Message"], "over the cap")


class SdkTest(LambdaTestCase):
    def test_the_aws_sdk_for_javascript_reaches_the_emulator_with_the_role_credentials(self) -> None:
        node_modules = HERE.parent / "node_modules"
        for package in ("client-dynamodb", "client-s3", "client-bedrock"):
            if not (node_modules / "@aws-sdk" / package).is_dir():
                self.skipTest(f"@aws-sdk/{package} is not installed (npm ci)")
        client("dynamodb").create_table(
            TableName="usage",
            AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
            KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
            BillingMode="PAY_PER_REQUEST",
        )
        s3 = client("s3")
        s3.create_bucket(Bucket="caps")
        s3.put_object(Bucket="caps", Key="caps.json", Body=b'{"jane": 5}')
        bedrock = client("bedrock")
        profile = bedrock.create_inference_profile(
            inferenceProfileName="jane-sonnet",
            modelSource={"copyFrom": f"arn:aws:bedrock:{REGION}:{ACCOUNT}:inference-profile/us.anthropic.claude-sonnet-4-5-20250929-v1:0"},
        )["inferenceProfileArn"]
        create_function("sdk", {"index.js": SDK_JS}, {"NODE_PATH": str(node_modules)}, Timeout=30)
        response, answer = self.invoke("sdk", {"cost": 0.0000001, "profile": profile})
        self.assertNotIn("FunctionError", response, answer)
        self.assertEqual(answer, {"spent": "0.0000001", "caps": {"jane": 5}})
        self.assertEqual(bedrock.list_tags_for_resource(resourceARN=profile)["tags"], [{"key": "BudgetState", "value": "blocked"}])


if __name__ == "__main__":
    unittest.main()
