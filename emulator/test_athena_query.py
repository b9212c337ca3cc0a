"""Tests of Athena query execution (ext_athena_query.py): the stack's named queries run on invocation
log records in S3 and answer the tokens and dollars computed here; the bytes-scanned cutoff,
partition pruning, ExecutionParameters, results, errors.

The SQL is the attribution package's (``buildCostQueries`` of the built packages/attribution, never
a copy); the tables mirror its ``InvocationLogTable`` and ``ProfileMappingTable`` constructs. The
expected numbers are computed below from the records and the prices, by the formula written out
here (cost = Σ tokens × USD per million tokens / 1e6, absent counts 0).

Run: python3 -m unittest test_athena_query (in emulator/; build first: npm run build)
"""

from __future__ import annotations

import base64
import gzip
import json
import math
import random
import subprocess
import unittest
from collections import defaultdict
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any, Callable
from zoneinfo import ZoneInfo

from ext_bedrock_runtime import s3_key
from testing_support import ACCOUNT, REGION, ErrorAssertions, client, reset, set_clock

HERE = Path(__file__).resolve().parent
# The shared sample of invocation-log records (the same file the packages test with).
FIXTURE = HERE.parent / "packages" / "testing" / "test" / "fixtures" / "bedrock-invocation-log-sample.jsonl"
NOW = datetime(2026, 11, 20, 12, 30, tzinfo=timezone.utc)  # a Friday
LOGS, RESULTS, DATABASE, WORKGROUP = "acme-bedrock-logs", "acme-athena-results", "acme_bedrock_logs", "acme-bedrock-logs"
PREFIX = "bedrock"
RECORDS_ROOT = f"{PREFIX}/AWSLogs/{ACCOUNT}/BedrockModelInvocationLogs/{REGION}/"
CUTOFF = 10_000_000  # the least Athena accepts
ZONE, WORKING_HOURS = "Europe/Paris", (8, 19)
REPORT_WINDOW = ("2026-11-01", "2026-11-15")
TIERS = {
    "premium": ("us.anthropic.claude-opus-4-6-v1", {"input": 5, "output": 25, "cacheRead": 0.5, "cacheWrite": 6.25}),
    "standard": ("us.anthropic.claude-sonnet-4-5-20250929-v1:0", {"input": 3, "output": 15, "cacheRead": 0.3, "cacheWrite": 3.75}),
    "fast": ("global.anthropic.claude-haiku-4-5-20251001-v1:0", {"input": 1, "output": 5, "cacheRead": 0.1, "cacheWrite": 1.25}),
}  # fmt: skip
# Calls without a developer profile are priced by the tier whose system profile (or its model) they name.
SYSTEM_MODELS = {"anthropic.claude-opus-4-6-v1": "premium", "anthropic.claude-sonnet-4-5-20250929-v1:0": "standard",
                 "anthropic.claude-haiku-4-5-20251001-v1:0": "fast", **{p: t for t, (p, _) in TIERS.items()}}  # fmt: skip
PROFILE = f"arn:aws:bedrock:{REGION}:{ACCOUNT}:application-inference-profile/"
PROFILES = [
    {"profileArn": f"{PROFILE}a1b2c3d4e5f6", "developerId": "jane.doe", "team": "platform", "costCenter": "CC-100", "tier": "premium"},
    {"profileArn": f"{PROFILE}f6e5d4c3b2a1", "developerId": "bob.smith", "team": "platform", "costCenter": "CC-100", "tier": "standard"},
    {"profileArn": f"{PROFILE}c0ffee000001", "developerId": "ana.lima", "team": "data", "costCenter": "CC-200", "tier": "fast"},
]  # fmt: skip

_RENDER = """
const a = require('@claude-code-bedrock/attribution');
const input = JSON.parse(process.argv[1]);
console.log(JSON.stringify({
  queries: a.buildCostQueries(input.options).map((q) => ({ key: q.key, sql: q.sql })),
  reportParameters: a.reportQueryParameters ? a.reportQueryParameters(...input.window) : null,
  logTable: a.INVOCATION_LOG_TABLE, partition: a.PARTITION_COLUMN, columns: a.INVOCATION_LOG_COLUMNS,
  profileTable: a.PROFILE_TABLE, profileColumns: a.PROFILE_COLUMNS, profilePrefix: a.PROFILE_PREFIX,
  profileCsv: a.profileMappingCsv(input.profiles),
}));
"""


def render() -> dict[str, Any]:
    """The attribution package's queries, table names and columns, and profile CSV."""
    options = {
        "prices": {name: price for name, (_, price) in TIERS.items()},
        "tiers": [{"name": name, "profileId": profile} for name, (profile, _) in TIERS.items()],
        "offHoursTimeZone": ZONE,
        "workingHours": list(WORKING_HOURS),
    }
    arg = json.dumps({"options": options, "profiles": PROFILES, "window": REPORT_WINDOW})
    out = subprocess.run(["node", "-e", _RENDER, arg], cwd=HERE, capture_output=True, text=True, timeout=60)
    if out.returncode != 0:
        raise RuntimeError(f"cannot render the attribution queries (run `npm run build`):\n{out.stderr}")
    return json.loads(out.stdout)


# ----------------------------------------------------------------------------- records


def log_record(at: datetime, who: str, model: str, tokens: tuple[Any, ...], error: str | None = None) -> dict[str, Any]:
    """A ModelInvocationLog record as Bedrock writes it (camelCase keys; None counts left out)."""
    names = ("inputTokenCount", "outputTokenCount", "cacheReadInputTokenCount", "cacheWriteInputTokenCount")
    counts = {n: v for n, v in zip(names, tokens) if v is not None}
    record = {
        "schemaType": "ModelInvocationLog", "schemaVersion": "1.0", "timestamp": at.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "accountId": ACCOUNT, "identity": {"arn": who}, "region": REGION, "requestId": f"req-{at.timestamp():.0f}",
        "operation": "InvokeModel", "modelId": model,
        "input": {"inputContentType": "application/json", "inputBodyJson": {"messages": []},
                  **{k: v for k, v in counts.items() if k != "outputTokenCount"}},
        "output": {"outputContentType": "application/json", "outputBodyJson": {"content": []},
                   **({"outputTokenCount": counts["outputTokenCount"]} if "outputTokenCount" in counts else {})},
    }  # fmt: skip
    if error:
        record["errorCode"] = error
    return record


def generated_records() -> list[tuple[datetime, dict[str, Any]]]:
    """(delivery time, record): 45 days of calls by every kind of caller, and the window edges."""
    rng = random.Random(18)
    role = f"arn:aws:sts::{ACCOUNT}:assumed-role/acme-claude-developer/"
    callers = [(role + p["developerId"], p["profileArn"]) for p in PROFILES] + [
        (f"arn:aws:iam::{ACCOUNT}:user/BedrockAPIKey-shared", TIERS["standard"][0]),
        (role + "jane.doe", f"arn:aws:bedrock:{REGION}::foundation-model/anthropic.claude-haiku-4-5-20251001-v1:0"),
        (role + "bob.smith", "amazon.nova-pro-v1:0"),  # no tier: unpriced
    ]
    out = []
    for _ in range(90):
        at = NOW - timedelta(seconds=rng.randrange(45 * 86400))
        who, model = rng.choice(callers)
        tokens = tuple(rng.choice([None, rng.randrange(1, 5000), rng.randrange(1, 90000)]) for _ in range(4))
        error = rng.choice([None] * 8 + ["ThrottlingException", "ValidationException"])
        out.append((at + timedelta(seconds=rng.randrange(0, 300)), log_record(at, who, model, tokens, error)))
    jane = (role + "jane.doe", PROFILES[0]["profileArn"])
    edges = [  # (record time, delivery time)
        (datetime(2026, 10, 31, 23, 59, 50, tzinfo=timezone.utc), datetime(2026, 11, 1, 0, 0, 40, tzinfo=timezone.utc)),
        (datetime(2026, 9, 30, 23, 59, 59, tzinfo=timezone.utc), datetime(2026, 10, 1, 0, 0, 30, tzinfo=timezone.utc)),
        (datetime(2026, 11, 14, 23, 59, 59, tzinfo=timezone.utc), datetime(2026, 11, 15, 0, 1, tzinfo=timezone.utc)),
        (NOW - timedelta(days=7, minutes=20), NOW - timedelta(days=7, minutes=20)),
    ]  # fmt: skip
    out += [(delivered, log_record(at, *jane, (1000, 2000, 3000, 4000))) for at, delivered in edges]
    return out


def fixture_records() -> list[tuple[datetime, dict[str, Any]]]:
    records = [json.loads(line) for line in FIXTURE.read_text().splitlines() if line.strip()]
    return [(datetime.fromisoformat(r["timestamp"].replace("Z", "+00:00")), r) for r in records]


# ----------------------------------------------------------------------------- expectations


def dt_text(at: datetime) -> str:
    return at.strftime("%Y/%m/%d/%H")


def month_start(at: datetime) -> datetime:
    return at.replace(day=1, hour=0, minute=0, second=0, microsecond=0)


def previous_month_start(at: datetime) -> datetime:
    start = month_start(at) - timedelta(days=1)
    return start.replace(day=1)


def window(kind: str) -> Callable[[str, datetime], bool]:
    """Whether a record of delivery hour ``dt`` and time ``ts`` is in the query's window."""
    if kind.startswith("last"):
        bound = dt_text(NOW - timedelta(days=int(kind[4:])))
        return lambda dt, ts: dt >= bound
    if kind == "previousMonth":
        low, high = previous_month_start(NOW), month_start(NOW)
        return lambda dt, ts: dt_text(low - timedelta(hours=1)) <= dt <= dt_text(high + timedelta(hours=1)) and low <= ts < high
    if kind == "monthToDate":
        return lambda dt, ts: dt >= dt_text(month_start(NOW) - timedelta(hours=1)) and ts >= month_start(NOW)
    low, high = (datetime.fromisoformat(d).replace(tzinfo=timezone.utc) for d in REPORT_WINDOW)
    return lambda dt, ts: dt_text(low - timedelta(hours=1)) <= dt <= dt_text(high + timedelta(hours=1)) and low <= ts < high


def call_of(record: dict[str, Any], dt: str) -> dict[str, Any]:
    """One call as the queries see it: who, which tier and model, the tokens and the cost."""
    by_arn = {p["profileArn"]: p for p in PROFILES}
    profile = by_arn.get(record["modelId"])
    key = record["modelId"].rsplit("/", 1)[-1]
    tier = profile["tier"] if profile else SYSTEM_MODELS.get(key)
    count = lambda part, field: record.get(part, {}).get(field) or 0  # noqa: E731
    tokens = {
        "input": count("input", "inputTokenCount"),
        "output": count("output", "outputTokenCount"),
        "cacheRead": count("input", "cacheReadInputTokenCount"),
        "cacheWrite": count("input", "cacheWriteInputTokenCount"),
    }
    price = TIERS[tier][1] if tier else {k: 0 for k in tokens}
    ts = datetime.fromisoformat(record["timestamp"].replace("Z", "+00:00"))
    local = ts.astimezone(ZoneInfo(ZONE))
    return {
        "developer_id": profile["developerId"] if profile else f"unattributed:{record['identity']['arn']}",
        "team": profile["team"] if profile else "unattributed",
        "cost_center": profile["costCenter"] if profile else "unattributed",
        "tier": tier or "unpriced",
        "model": TIERS[tier][0] if tier else key,
        "day": dt[:10],
        "event_day": ts.strftime("%Y-%m-%d"),
        "tokens": tokens,
        "cost": sum(tokens[k] * price[k] for k in tokens) / 1e6,
        "savings": tokens["cacheRead"] * (price["input"] - price["cacheRead"]) / 1e6,
        "off_hours": local.isoweekday() >= 6 or not WORKING_HOURS[0] <= local.hour < WORKING_HOURS[1],
        "error": record.get("errorCode"),
        "ts": ts,
    }


def aggregate(calls: list[dict[str, Any]]) -> dict[str, float | int | None]:
    """Every measure the queries report over one group of calls (unrounded)."""
    n = len(calls)
    total = lambda key: sum(c["tokens"][key] for c in calls)  # noqa: E731
    served = total("input") + total("cacheRead") + total("cacheWrite")
    off = [c for c in calls if c["off_hours"]]
    errors = sum(1 for c in calls if c["error"])
    throttles = sum(1 for c in calls if c["error"] and "Throttl" in c["error"])
    return {
        "calls": n, "developers": len({c["developer_id"] for c in calls}),
        "input_tokens": total("input"), "output_tokens": total("output"),
        "cache_read_tokens": total("cacheRead"), "cache_write_tokens": total("cacheWrite"),
        "cost_usd": sum(c["cost"] for c in calls), "cache_savings_usd": sum(c["savings"] for c in calls),
        "cache_read_ratio": total("cacheRead") / served if served else None,
        "off_hours_calls": len(off), "off_hours_share": len(off) / n, "off_hours_cost_usd": sum(c["cost"] for c in off),
        "errors": errors, "throttles": throttles, "error_rate": errors / n, "throttle_rate": throttles / n,
    }  # fmt: skip


ALL = lambda m: True  # noqa: E731
# key → (window, group columns (a column, or (column, call field)), measures rounded to 4 places, HAVING)
QUERIES: dict[str, tuple[str, tuple[Any, ...], bool, Callable[[dict[str, Any]], bool]]] = {
    "cost-by-developer-7d": ("last7", ("developer_id", "team", "cost_center"), True, ALL),
    "cost-by-developer-previous-month": ("previousMonth", ("developer_id", "team", "cost_center"), True, ALL),
    "cost-by-team-month-to-date": ("monthToDate", ("team", "cost_center"), True, ALL),
    "cost-by-model-30d": ("last30", ("tier", "model"), True, ALL),
    "daily-cost-trend-30d": ("last30", ("day",), True, ALL),
    "cache-read-ratio-7d": ("last7", ("developer_id", "team"), True, ALL),
    "off-hours-usage-7d": ("last7", ("developer_id", "team"), True, lambda m: m["off_hours_calls"] > 0),
    "errors-and-throttles-7d": ("last7", ("day",), True, ALL),
    "usage-by-developer-tier-day": (
        "parameters", (("day", "event_day"), "developer_id", "team", "cost_center", "tier", "model"), False, ALL),
}  # fmt: skip


def columns_of(group: tuple[Any, ...]) -> list[tuple[str, str]]:
    return [g if isinstance(g, tuple) else (g, g) for g in group]


# ----------------------------------------------------------------------------- the environment


class AthenaCase(ErrorAssertions):
    """The stack's Athena setup on the emulator at NOW: buckets, Glue tables, workgroup, records."""

    rendered: dict[str, Any]
    athena: Any
    s3: Any
    #: (delivery hour, object key, record) of every record in S3
    records: list[tuple[str, str, dict[str, Any]]]
    #: object key → stored size
    sizes: dict[str, int]
    #: the object with a malformed line (a row of NULLs: ignore.malformed.json)
    malformed: str

    @classmethod
    def setUpClass(cls) -> None:
        reset()
        set_clock(NOW.isoformat())
        cls.rendered = render()
        cls.s3, cls.athena, glue = client("s3"), client("athena"), client("glue")
        for bucket in (LOGS, RESULTS):
            cls.s3.create_bucket(Bucket=bucket)
        glue.create_database(DatabaseInput={"Name": DATABASE})
        # As InvocationLogTable (packages/attribution/src/invocation-log-table.ts) declares it.
        part = cls.rendered["partition"]
        glue.create_table(DatabaseName=DATABASE, TableInput={
            "Name": cls.rendered["logTable"], "TableType": "EXTERNAL_TABLE",
            "Parameters": {
                "EXTERNAL": "TRUE", "classification": "json", "projection.enabled": "true",
                f"projection.{part}.type": "date", f"projection.{part}.format": "yyyy/MM/dd/HH",
                f"projection.{part}.range": "2026/01/01/00,NOW", f"projection.{part}.interval": "1",
                f"projection.{part}.interval.unit": "HOURS",
                "storage.location.template": f"s3://{LOGS}/{RECORDS_ROOT}${{{part}}}/",
            },
            "PartitionKeys": [{"Name": part, "Type": "string"}],
            "StorageDescriptor": {
                "Location": f"s3://{LOGS}/{RECORDS_ROOT}",
                "InputFormat": "org.apache.hadoop.mapred.TextInputFormat",
                "OutputFormat": "org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat",
                "SerdeInfo": {"Name": "openx-json", "SerializationLibrary": "org.openx.data.jsonserde.JsonSerDe",
                              "Parameters": {"case.insensitive": "true", "ignore.malformed.json": "true",
                                             "dots.in.keys": "false"}},
                "Columns": [{"Name": c["name"], "Type": c["type"]} for c in cls.rendered["columns"]],
            },
        })  # fmt: skip
        # As ProfileMappingTable (packages/attribution/src/profile-mapping.ts) declares it.
        glue.create_table(DatabaseName=DATABASE, TableInput={
            "Name": cls.rendered["profileTable"], "TableType": "EXTERNAL_TABLE",
            "Parameters": {"EXTERNAL": "TRUE", "classification": "csv", "skip.header.line.count": "1"},
            "StorageDescriptor": {
                "Location": f"s3://{RESULTS}/{cls.rendered['profilePrefix']}",
                "SerdeInfo": {"Name": "csv", "SerializationLibrary": "org.apache.hadoop.hive.serde2.lazy.LazySimpleSerDe",
                              "Parameters": {"field.delim": ",", "serialization.format": ","}},
                "Columns": [{"Name": name, "Type": "string"} for name in cls.rendered["profileColumns"]],
            },
        })  # fmt: skip
        # As CostAttribution's workgroup, with the least cutoff Athena accepts.
        cls.athena.create_work_group(Name=WORKGROUP, Configuration={
            "EnforceWorkGroupConfiguration": True, "PublishCloudWatchMetricsEnabled": True,
            "BytesScannedCutoffPerQuery": CUTOFF, "EngineVersion": {"SelectedEngineVersion": "AUTO"},
            "ResultConfiguration": {"OutputLocation": f"s3://{RESULTS}/results/",
                                    "EncryptionConfiguration": {"EncryptionOption": "SSE_S3"}},
        })  # fmt: skip
        cls.sizes = {}
        cls.put(RESULTS, f"{cls.rendered['profilePrefix']}profiles-0001.csv", cls.rendered["profileCsv"].encode())
        cls.records = []
        cls.put_records(fixture_records() + generated_records())
        cls.put_old_bulk()

    @classmethod
    def put_old_bulk(cls) -> None:
        """Over CUTOFF bytes of (incompressible) records in an hour before every query's window."""
        rng = random.Random(7)
        at = datetime(2026, 9, 15, 3, tzinfo=timezone.utc)
        record = log_record(at, f"arn:aws:sts::{ACCOUNT}:assumed-role/x/old", PROFILES[0]["profileArn"], (1, 1, 1, 1))
        for part in range(2):
            lines = [json.dumps({**record, "padding": base64.b64encode(rng.randbytes(53_000)).decode()})
                     for _ in range(100)]  # fmt: skip
            key = s3_key(PREFIX, ACCOUNT, REGION, at, f"bulk{part}")
            cls.put(LOGS, key, gzip.compress(("\n".join(lines) + "\n").encode(), compresslevel=1, mtime=0))
            cls.records += [(dt_text(at), key, record)] * len(lines)

    @classmethod
    def put(cls, bucket: str, key: str, body: bytes) -> None:
        cls.s3.put_object(Bucket=bucket, Key=key, Body=body)
        cls.sizes[key] = len(body)

    @classmethod
    def put_records(cls, delivered: list[tuple[datetime, dict[str, Any]]]) -> None:
        """Gzipped JSON lines, up to three records an object, under the hour they were delivered in;
        one object also carries a malformed line, one sits in a ``data/`` folder and one record is
        not an invocation record."""
        delivered = sorted(delivered, key=lambda d: d[0])
        by_hour: dict[str, list[tuple[datetime, dict[str, Any]]]] = defaultdict(list)
        for at, record in delivered:
            by_hour[dt_text(at)].append((at, record))
        extra = [log_record(NOW - timedelta(hours=20), f"arn:aws:sts::{ACCOUNT}:assumed-role/x/y",
                            PROFILES[0]["profileArn"], (10**6, 10**6, 0, 0))]  # fmt: skip
        other = {**extra[0], "schemaType": "SomethingElse"}
        for n, (hour, batch) in enumerate(sorted(by_hour.items())):
            for i in range(0, len(batch), 3):
                chunk = batch[i : i + 3]
                key = s3_key(PREFIX, ACCOUNT, REGION, chunk[0][0], f"{n:04d}{i:02d}")
                lines = [json.dumps(r) for _, r in chunk] + (["{not json"] if n == 0 else [])
                cls.malformed = key if n == 0 else cls.malformed
                cls.put(LOGS, key, gzip.compress(("\n".join(lines) + "\n").encode(), mtime=0))
                cls.records += [(hour, key, r) for _, r in chunk]
        hour = dt_text(NOW - timedelta(hours=20))
        for key, record in ((f"{RECORDS_ROOT}{hour}/data/body-0001.json.gz", extra[0]),
                            (f"{RECORDS_ROOT}{hour}/other.json.gz", other)):  # fmt: skip
            cls.put(LOGS, key, gzip.compress((json.dumps(record) + "\n").encode(), mtime=0))
            cls.records.append((hour, key, record))

    # ------------------------------------------------------------------------- helpers

    def start(self, sql: str, **kwargs: Any) -> str:
        kwargs.setdefault("WorkGroup", WORKGROUP)
        kwargs.setdefault("QueryExecutionContext", {"Database": DATABASE})
        return self.athena.start_query_execution(QueryString=sql, **kwargs)["QueryExecutionId"]

    def execution(self, query_id: str) -> dict[str, Any]:
        """The query's execution once it is final (the emulator runs it before answering; poll anyway)."""
        for _ in range(100):
            execution = self.athena.get_query_execution(QueryExecutionId=query_id)["QueryExecution"]
            if execution["Status"]["State"] not in ("QUEUED", "RUNNING"):
                return execution
        self.fail(f"query {query_id} never finished")

    def rows(self, query_id: str, page_size: int = 1000) -> tuple[list[str], list[list[str | None]]]:
        """Column names and every row (all pages; the header row dropped)."""
        state = self.execution(query_id)["Status"]
        self.assertEqual(state["State"], "SUCCEEDED", state)
        rows, token = [], None
        while True:
            page = self.athena.get_query_results(
                QueryExecutionId=query_id, MaxResults=page_size, **({"NextToken": token} if token else {})
            )
            rows += [[d.get("VarCharValue") for d in r["Data"]] for r in page["ResultSet"]["Rows"]]
            token = page.get("NextToken")
            if not token:
                names = [c["Name"] for c in page["ResultSet"]["ResultSetMetadata"]["ColumnInfo"]]
                self.assertEqual(rows[0], names)
                return names, rows[1:]

    def expected(self, key: str) -> dict[tuple[str, ...], dict[str, Any]]:
        kind, group, _, having = QUERIES[key]
        in_window = window(kind)
        groups: dict[tuple[str, ...], list[dict[str, Any]]] = defaultdict(list)
        for dt, path, record in self.records:
            call = call_of(record, dt)
            if record["schemaType"] == "ModelInvocationLog" and "/data/" not in path and in_window(dt, call["ts"]):
                groups[tuple(call[f] for _, f in columns_of(group))].append(call)
        measures = {k: aggregate(calls) for k, calls in groups.items()}
        return {k: m for k, m in measures.items() if having(m)}


# ----------------------------------------------------------------------------- the named queries


class NamedQueriesTest(AthenaCase):
    def test_every_named_query_answers_the_tokens_and_dollars_computed_from_the_records(self) -> None:
        for query in self.rendered["queries"]:
            self.athena.create_named_query(
                Name=f"acme-{query['key']}", Database=DATABASE, QueryString=query["sql"], WorkGroup=WORKGROUP
            )
        ids = self.athena.list_named_queries(WorkGroup=WORKGROUP)["NamedQueryIds"]
        named = self.athena.batch_get_named_query(NamedQueryIds=ids)["NamedQueries"]
        self.assertEqual(len(named), len(self.rendered["queries"]))
        for query in named:
            key = query["Name"].removeprefix("acme-")
            with self.subTest(key):
                self.assertIn(key, QUERIES, f"no expectation for the named query {key}: add one to QUERIES")
                parameters = self.rendered["reportParameters"] if "?" in query["QueryString"] else None
                names, rows = self.rows(self.start(query["QueryString"], ExecutionParameters=parameters)
                                        if parameters else self.start(query["QueryString"]))  # fmt: skip
                self.assert_rows(key, names, rows)

    def assert_rows(self, key: str, names: list[str], rows: list[list[str | None]]) -> None:
        _, group, rounded, _ = QUERIES[key]
        columns = columns_of(group)
        expected = self.expected(key)
        self.assertTrue(expected, f"{key}: the records give it no rows; the test data must")
        index = {name: i for i, name in enumerate(names)}
        actual = {tuple(r[index[c]] for c, _ in columns): r for r in rows}
        self.assertEqual(sorted(actual), sorted(expected), f"{key}: groups")
        for group_key, measures in expected.items():
            row = actual[group_key]
            for name in names:
                if name in dict(columns):
                    continue
                want, got = measures[name], row[index[name]]
                if want is None or got is None:
                    self.assertEqual(got, want, f"{key} {group_key} {name}")
                elif isinstance(want, int):
                    self.assertEqual(int(got), want, f"{key} {group_key} {name}")
                else:
                    want = round(want, 4) if rounded else want
                    self.assertTrue(math.isclose(float(got), want, rel_tol=1e-9, abs_tol=1e-12),
                                    f"{key} {group_key} {name}: {got} != {want}")  # fmt: skip

    def test_a_query_reads_only_the_partitions_its_dt_filter_admits(self) -> None:
        # cost-by-developer-previous-month reads [2026/09/30/23, 2026/11/01/01] and the profile CSV.
        sql = next(q["sql"] for q in self.rendered["queries"] if q["key"] == "cost-by-developer-previous-month")
        execution = self.execution(self.start(sql))
        hour = lambda key: key[len(RECORDS_ROOT) :][:13] if key.startswith(RECORDS_ROOT) else None  # noqa: E731
        read = [k for k in self.sizes if hour(k) is None or "2026/09/30/23" <= (hour(k) or "") <= "2026/11/01/01"]
        self.assertLess(len(read), len(self.sizes) - 20)  # most of November is not read
        self.assertEqual(execution["Statistics"]["DataScannedInBytes"], sum(self.sizes[k] for k in read))

    def test_results_are_written_as_csv_to_the_workgroup_output_location(self) -> None:
        query_id = self.start("SELECT 'a\"b' AS text, CAST(NULL AS varchar) AS nothing, 2 AS n")
        execution = self.execution(query_id)
        location = execution["ResultConfiguration"]["OutputLocation"]
        self.assertEqual(location, f"s3://{RESULTS}/results/{query_id}.csv")
        stored = self.s3.get_object(Bucket=RESULTS, Key=f"results/{query_id}.csv")
        self.assertEqual(stored["Body"].read().decode(), '"text","nothing","n"\n"a""b",,"2"\n')
        self.assertEqual(stored["ServerSideEncryption"], "AES256")
        self.assertEqual(execution["StatementType"], "DML")
        self.assertEqual(execution["WorkGroup"], WORKGROUP)
        self.assertEqual(execution["Status"]["SubmissionDateTime"].year, NOW.year)  # the emulator clock


# ----------------------------------------------------------------------------- the API


class QueryExecutionTest(AthenaCase):
    def test_a_query_without_the_partition_filter_is_cancelled_at_the_workgroup_cutoff(self) -> None:
        self.assertGreater(sum(self.sizes.values()), CUTOFF)
        query_id = self.start(f"SELECT count(*) FROM {self.rendered['logTable']}")
        execution = self.execution(query_id)
        self.assertEqual(execution["Status"]["State"], "CANCELLED")
        self.assertEqual(execution["Status"]["StateChangeReason"], "Bytes scanned limit was exceeded")
        self.assertEqual(execution["Statistics"]["DataScannedInBytes"], CUTOFF)
        error = self.assertError("InvalidRequestException", self.athena.get_query_results, QueryExecutionId=query_id)
        self.assertEqual(error.response["Error"]["Message"], "Query did not finish successfully. Final query state: CANCELLED")
        self.assertNotIn("Contents", self.s3.list_objects_v2(Bucket=RESULTS, Prefix=f"results/{query_id}"))

    def test_the_same_query_with_a_partition_filter_succeeds_and_counts_what_it_read(self) -> None:
        bound = "2026/10/01/00"
        _, rows = self.rows(self.start(f"SELECT count(*) FROM {self.rendered['logTable']} WHERE dt >= '{bound}'"))
        read = {k for k in self.sizes if k.startswith(RECORDS_ROOT) and k[len(RECORDS_ROOT) :][:13] >= bound}
        self.assertIn(self.malformed, read)  # its bad line is a row of NULLs
        self.assertEqual(rows, [[str(sum(1 for _, key, _ in self.records if key in read) + 1)]])

    def test_execution_parameters_are_bound_in_order_as_sql_literals(self) -> None:
        sql = "SELECT count(*) FROM invocation_logs WHERE dt >= ? AND modelid = ? AND input.inputtokencount > ?"
        parameters = ["'2026/11/10/00'", f"'{PROFILES[1]['profileArn']}'", "100"]
        query_id = self.start(sql, ExecutionParameters=parameters)
        _, rows = self.rows(query_id)
        expected = sum(
            1 for dt, _, r in self.records
            if dt >= "2026/11/10/00" and r["modelId"] == PROFILES[1]["profileArn"]
            and (r["input"].get("inputTokenCount") or 0) > 100
        )  # fmt: skip
        self.assertGreater(expected, 0)
        self.assertEqual(rows, [[str(expected)]])
        execution = self.execution(query_id)
        self.assertEqual(execution["ExecutionParameters"], parameters)
        self.assertEqual(execution["Query"], sql)
        failed = self.execution(self.start(sql, ExecutionParameters=parameters[:2]))["Status"]
        self.assertEqual(failed["State"], "FAILED")
        self.assertEqual(
            failed["StateChangeReason"], "INVALID_PARAMETER_USAGE: Incorrect number of parameters: expected 3 but found 2"
        )

    def test_results_page_by_max_results_with_the_header_row_first(self) -> None:
        values = ", ".join(f"({n})" for n in range(2500))
        query_id = self.start(f"SELECT n FROM (VALUES {values}) AS t (n) ORDER BY n")
        first = self.athena.get_query_results(QueryExecutionId=query_id, MaxResults=1000)
        self.assertEqual(len(first["ResultSet"]["Rows"]), 1000)
        self.assertEqual(first["ResultSet"]["Rows"][0], {"Data": [{"VarCharValue": "n"}]})
        self.assertEqual(first["ResultSet"]["ResultSetMetadata"]["ColumnInfo"][0]["Type"], "integer")
        _, rows = self.rows(query_id, page_size=700)
        self.assertEqual([r[0] for r in rows], [str(n) for n in range(2500)])
        unchecked = client("athena", parameter_validation=False)
        error = self.assertError(
            "InvalidRequestException", unchecked.get_query_results, QueryExecutionId=query_id, MaxResults=1001
        )
        self.assertIn("Member must have value less than or equal to 1000", error.response["Error"]["Message"])
        self.assertError(
            "InvalidRequestException", self.athena.get_query_results, QueryExecutionId=query_id, NextToken="nope"
        )

    def test_a_sql_error_fails_the_query_as_a_user_error(self) -> None:
        query_id = self.start("SELECT\n  nope FROM invocation_logs WHERE dt = '2026/11/20/10'")
        status = self.execution(query_id)["Status"]
        self.assertEqual(status["State"], "FAILED")
        self.assertEqual(status["StateChangeReason"], "COLUMN_NOT_FOUND: line 2:3: Column 'nope' cannot be resolved")
        self.assertEqual(status["AthenaError"]["ErrorCategory"], 2)
        self.assertEqual(status["AthenaError"]["ErrorMessage"], status["StateChangeReason"])
        self.assertFalse(status["AthenaError"]["Retryable"])
        error = self.assertError("InvalidRequestException", self.athena.get_query_results, QueryExecutionId=query_id)
        self.assertEqual(error.response["Error"]["Message"], "Query did not finish successfully. Final query state: FAILED")

    def test_an_unknown_table_or_database_fails_the_query(self) -> None:
        status = self.execution(self.start("SELECT * FROM nope"))["Status"]
        self.assertEqual(status["State"], "FAILED")
        self.assertEqual(
            status["StateChangeReason"], f"TABLE_NOT_FOUND: line 1:15: Table 'awsdatacatalog.{DATABASE}.nope' does not exist"
        )
        status = self.execution(self.start("SELECT 1 FROM t", QueryExecutionContext={"Database": "nodb"}))["Status"]
        self.assertEqual(status["StateChangeReason"], "SCHEMA_NOT_FOUND: line 1:15: Schema 'nodb' does not exist")

    def test_current_timestamp_is_the_emulator_clock(self) -> None:
        _, rows = self.rows(self.start("SELECT current_timestamp, date_format(current_timestamp, '%Y/%m/%d/%H')"))
        self.assertRegex(rows[0][0] or "", r"^2026-11-20 12:3\d:\d\d\.\d{3} UTC$")
        self.assertEqual(rows[0][1], "2026/11/20/12")

    def test_a_client_request_token_makes_the_start_idempotent(self) -> None:
        token = "t" * 32
        first = self.start("SELECT 1", ClientRequestToken=token)
        self.assertEqual(self.start("SELECT 1", ClientRequestToken=token), first)
        error = self.assertError("InvalidRequestException", self.start, "SELECT 2", ClientRequestToken=token)
        self.assertEqual(error.response["Error"]["Message"], "Idempotent parameters do not match")

    def test_the_output_location_comes_from_the_enforced_workgroup_or_the_request(self) -> None:
        requested = {"OutputLocation": f"s3://{RESULTS}/mine"}
        enforced = self.start("SELECT 1", ResultConfiguration=requested)
        self.assertTrue(self.execution(enforced)["ResultConfiguration"]["OutputLocation"].startswith(f"s3://{RESULTS}/results/"))
        free = self.start("SELECT 1", WorkGroup="primary", ResultConfiguration=requested)
        self.assertEqual(self.execution(free)["ResultConfiguration"]["OutputLocation"], f"s3://{RESULTS}/mine/{free}.csv")
        error = self.assertError("InvalidRequestException", self.start, "SELECT 1", WorkGroup="primary")
        self.assertIn("No output location provided", error.response["Error"]["Message"])
        self.assertError("InvalidRequestException", self.start, "SELECT 1", WorkGroup="nope")

    def test_a_missing_output_bucket_fails_the_query_and_a_disabled_workgroup_takes_none(self) -> None:
        config = {"OutputLocation": "s3://no-such-results-bucket/x/"}
        status = self.execution(self.start("SELECT 1", WorkGroup="primary", ResultConfiguration=config))["Status"]
        self.assertEqual(status["State"], "FAILED")
        self.assertEqual(status["StateChangeReason"], "Unable to verify/create output bucket no-such-results-bucket")
        self.athena.create_work_group(Name="off", Configuration={"ResultConfiguration": config})
        self.athena.update_work_group(WorkGroup="off", State="DISABLED")
        error = self.assertError("InvalidRequestException", self.start, "SELECT 1", WorkGroup="off")
        self.assertEqual(error.response["Error"]["Message"], "WorkGroup off is disabled.")

    def test_query_executions_are_listed_newest_first_and_fetched_in_batches(self) -> None:
        ids = [self.start("SELECT 1") for _ in range(3)]
        listed = self.athena.list_query_executions(WorkGroup=WORKGROUP, MaxResults=2)
        self.assertEqual(listed["QueryExecutionIds"], ids[::-1][:2])
        rest = self.athena.list_query_executions(WorkGroup=WORKGROUP, NextToken=listed["NextToken"])
        self.assertIn(ids[0], rest["QueryExecutionIds"])
        batch = self.athena.batch_get_query_execution(QueryExecutionIds=[ids[0], "nope"])
        self.assertEqual([q["QueryExecutionId"] for q in batch["QueryExecutions"]], [ids[0]])
        self.assertEqual(batch["UnprocessedQueryExecutionIds"][0]["QueryExecutionId"], "nope")

    def test_stop_leaves_a_finished_query_alone_and_unknown_ids_are_refused(self) -> None:
        query_id = self.start("SELECT 1")
        self.athena.stop_query_execution(QueryExecutionId=query_id)
        self.assertEqual(self.execution(query_id)["Status"]["State"], "SUCCEEDED")
        for call in (self.athena.get_query_execution, self.athena.get_query_results, self.athena.stop_query_execution):
            error = self.assertError("InvalidRequestException", call, QueryExecutionId="nope")
            self.assertEqual(error.response["Error"]["Message"], "QueryExecution nope was not found")


if __name__ == "__main__":
    unittest.main()
