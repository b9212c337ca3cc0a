"""Amazon Athena query execution for moto 5.2.1 (moto stores queries but runs none).

StartQueryExecution runs the query before it answers (the state is final at once; a client polls
GetQueryExecution as on AWS): ``athena_engine.plan`` binds the ExecutionParameters and folds the
partition predicates; the tables come from moto's Glue backend and their objects from moto's S3
(``athena_tables``: projection and pruning), decoded by their SerDe (``athena_serde``); the
bytes of the objects read are checked against the workgroup's ``BytesScannedCutoffPerQuery``
(over it: CANCELLED, ``Bytes scanned limit was exceeded``, nothing decoded); then
``athena_engine.run`` executes it in DuckDB and the result is written as CSV to
``<output location>/<QueryExecutionId>.csv``. Also GetQueryExecution, BatchGetQueryExecution,
GetQueryResults (header row first, pages of at most 1000 rows), ListQueryExecutions and
StopQueryExecution. Behaviour and limits: README.md "Amazon Athena — query execution".
"""

# Extensions keep their state on moto's objects, as attributes moto's classes do not declare.
# pyright: reportAttributeAccessIssue=false

from __future__ import annotations

import tempfile
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from moto.athena.models import AthenaBackend, WorkGroup
from moto.athena.responses import AthenaResponse
from moto.s3.models import s3_backends

import athena_engine
import athena_serde
import athena_tables
import clock
from ext_athena import DEFAULT_ENGINE, InvalidRequest, _workgroup
from ext_common import extend_init, ok, paginate, patch

Resp = tuple[str, dict[str, Any]]
CUTOFF_REASON = "Bytes scanned limit was exceeded"
USER_ERROR, SYSTEM_ERROR = (2, 1000), (1, 200)  # (ErrorCategory, ErrorType): Athena's error catalog
MAX_QUERY_LENGTH = 262144
MAX_RESULTS = 1000


@dataclass
class QueryRun:
    id: str
    query: str
    context: dict[str, str]
    workgroup: WorkGroup
    parameters: list[str] | None
    result: dict[str, Any]
    token: str | None
    submitted: float = field(default_factory=lambda: clock.now().timestamp())
    state: str = "QUEUED"
    reason: str | None = None
    error: dict[str, Any] | None = None
    completed: float | None = None
    scanned: int = 0
    times: dict[str, int] = field(default_factory=dict)
    columns: list[dict[str, Any]] = field(default_factory=list)
    rows: list[list[str | None]] = field(default_factory=list)


def _init_state(backend: AthenaBackend) -> None:
    backend.query_runs = {}
    backend.query_tokens = {}


extend_init(AthenaBackend, _init_state)


def _run(backend: AthenaBackend, query_id: Any) -> QueryRun:
    found = backend.query_runs.get(query_id) if isinstance(query_id, str) else None
    if found is None:
        raise InvalidRequest(f"QueryExecution {query_id} was not found", "INVALID_INPUT")
    return found


def _result_configuration(workgroup: WorkGroup, requested: dict[str, Any] | None) -> dict[str, Any]:
    """The result configuration in force: the workgroup's when it is enforced, else the request's over it."""
    configuration = workgroup.configuration
    mine = dict(configuration.get("ResultConfiguration") or {})
    merged = mine if configuration.get("EnforceWorkGroupConfiguration", True) else {**mine, **(requested or {})}
    location = merged.get("OutputLocation")
    if not location:
        raise InvalidRequest(
            "No output location provided. An output location is required either through the Workgroup"
            " result configuration setting or as an API input."
        )
    if not str(location).startswith("s3://"):
        raise InvalidRequest(f"OutputLocation must be an s3:// URI, got {location}")
    return merged


# ----------------------------------------------------------------------------- execution


def _finish(run: QueryRun, state: str, reason: str | None = None, kind: tuple[int, int] | None = None) -> None:
    run.state, run.reason, run.completed = state, reason, clock.now().timestamp()
    if kind and reason:
        run.error = {"ErrorCategory": kind[0], "ErrorType": kind[1], "Retryable": False, "ErrorMessage": reason}


def _bucket_owner(bucket: str) -> tuple[str, str] | None:
    owner = s3_backends.bucket_accounts.get(bucket)
    return (owner[1], owner[0]) if owner else None  # (account, partition)


def _write_result(run: QueryRun) -> None:
    """The result as Athena writes it: every field quoted, NULL as an empty field."""
    quote = lambda v: "" if v is None else '"' + v.replace('"', '""') + '"'  # noqa: E731
    lines = [",".join(quote(c["name"]) for c in run.columns)] + [",".join(quote(v) for v in r) for r in run.rows]
    bucket, key = run.result["OutputLocation"][len("s3://") :].split("/", 1)
    account, partition = _bucket_owner(bucket) or ("", "")
    encryption = (run.result.get("EncryptionConfiguration") or {}).get("EncryptionOption")
    s3_backends[account][partition].put_object(
        bucket,
        key,
        ("\n".join(lines) + "\n").encode("utf-8"),
        encryption={"SSE_S3": "AES256", "SSE_KMS": "aws:kms"}.get(encryption or ""),
        kms_key_id=(run.result.get("EncryptionConfiguration") or {}).get("KmsKey"),
    )


def _read(run: QueryRun, account: str, region: str, planned: dict[str, Any], work: Path) -> list[dict[str, Any]] | None:
    """The engine's tables of the query (rows written under ``work``); None when the cutoff cancelled it."""
    now = clock.now()
    by_table: dict[tuple[str, str, str], list[dict[str, Any]]] = {}
    for scan in planned["scans"]:
        by_table.setdefault((scan["catalog"], scan["database"], scan["table"]), []).append(scan)
    reads = []
    for (catalog, database, name), scans in by_table.items():
        table = athena_tables.load(account, region, catalog, database, name, scans[0]["position"])
        reads.append((table, athena_tables.objects(table, scans, now)))
    run.scanned = sum(obj.size for _, objects in reads for obj in objects)
    cutoff = run.workgroup.configuration.get("BytesScannedCutoffPerQuery")
    if isinstance(cutoff, int) and run.scanned > cutoff:
        run.scanned = cutoff  # Athena stops reading at the limit
        return None
    tables = []
    for i, (table, objects) in enumerate(reads):
        path = work / f"table-{i}.ndjson"
        athena_serde.write_rows(table, objects, planned["pseudo"], str(path))
        tables.append(
            {
                "database": table.database,
                "table": table.name,
                "columns": athena_serde.columns(table, planned["pseudo"]),
                "file": str(path),
            }
        )
    return tables


def execute(run: QueryRun, account: str, region: str) -> None:
    """Runs the query to its final state."""
    started = time.monotonic()
    run.state = "RUNNING"
    catalog = (run.context.get("Catalog") or "AwsDataCatalog").lower()
    database = (run.context.get("Database") or "default").lower()
    bucket = run.result["OutputLocation"][len("s3://") :].split("/", 1)[0]
    try:
        if _bucket_owner(bucket) is None:
            return _finish(run, "FAILED", f"Unable to verify/create output bucket {bucket}", USER_ERROR)
        planned = athena_engine.plan(run.query, run.parameters, clock.now(), catalog, database)
        planning = time.monotonic()
        with tempfile.TemporaryDirectory(prefix="athena-") as work:
            tables = _read(run, account, region, planned, Path(work))
            if tables is None:
                return _finish(run, "CANCELLED", CUTOFF_REASON)
            result = athena_engine.run(planned["sql"], clock.now(), catalog, database, tables)
        executed = time.monotonic()
        run.columns, run.rows = result["columns"], result["rows"]
        _write_result(run)
        ms = lambda a, b: int((b - a) * 1000)  # noqa: E731
        done = time.monotonic()
        run.times = {"planning": ms(started, planning), "engine": ms(started, executed), "service": ms(executed, done)}
        _finish(run, "SUCCEEDED")
    except (athena_engine.QueryFailed, athena_tables.TableError) as err:
        _finish(run, "FAILED", str(err), USER_ERROR)
    except RuntimeError as err:
        _finish(run, "FAILED", f"GENERIC_INTERNAL_ERROR: {err}", SYSTEM_ERROR)
    finally:
        run.times.setdefault("total", int((time.monotonic() - started) * 1000))


# ----------------------------------------------------------------------------- API


def _view(run: QueryRun) -> dict[str, Any]:
    status: dict[str, Any] = {"State": run.state, "SubmissionDateTime": run.submitted}
    if run.completed is not None:
        status["CompletionDateTime"] = run.completed
    if run.reason:
        status["StateChangeReason"] = run.reason
    if run.error:
        status["AthenaError"] = run.error
    times = run.times
    view: dict[str, Any] = {
        "QueryExecutionId": run.id,
        "Query": run.query,
        "StatementType": "DML",
        "ResultConfiguration": run.result,
        "ResultReuseConfiguration": {"ResultReuseByAgeConfiguration": {"Enabled": False}},
        "QueryExecutionContext": run.context,
        "Status": status,
        "Statistics": {
            "EngineExecutionTimeInMillis": times.get("engine", 0),
            "DataScannedInBytes": run.scanned,
            "TotalExecutionTimeInMillis": times.get("total", 0),
            "QueryQueueTimeInMillis": 0,
            "ServicePreProcessingTimeInMillis": 0,
            "QueryPlanningTimeInMillis": times.get("planning", 0),
            "ServiceProcessingTimeInMillis": times.get("service", 0),
            "ResultReuseInformation": {"ReusedPreviousResult": False},
        },
        "WorkGroup": run.workgroup.name,
        "EngineVersion": run.workgroup.configuration.get("EngineVersion")
        or {"SelectedEngineVersion": "AUTO", "EffectiveEngineVersion": DEFAULT_ENGINE},
        "SubstatementType": "SELECT",
    }
    if run.parameters is not None:
        view["ExecutionParameters"] = run.parameters
    return view


@patch(AthenaResponse)
def start_query_execution(self: AthenaResponse) -> Resp:
    backend: AthenaBackend = self.athena_backend
    query = self._get_param("QueryString")
    if not isinstance(query, str) or not 1 <= len(query) <= MAX_QUERY_LENGTH:
        raise InvalidRequest(f"QueryString must be between 1 and {MAX_QUERY_LENGTH} characters.")
    parameters = self._get_param("ExecutionParameters")
    if parameters is not None and (
        not isinstance(parameters, list) or not parameters
        or not all(isinstance(p, str) and 1 <= len(p) <= 1024 for p in parameters)  # fmt: skip
    ):
        raise InvalidRequest("ExecutionParameters must be 1 or more strings of 1 to 1024 characters.")
    workgroup = _workgroup(backend, self._get_param("WorkGroup") or "primary")
    if getattr(workgroup, "state", "ENABLED") != "ENABLED":
        raise InvalidRequest(f"WorkGroup {workgroup.name} is disabled.")
    context = self._get_param("QueryExecutionContext") or {}
    token = self._get_param("ClientRequestToken")
    if token is not None:
        if not isinstance(token, str) or not 32 <= len(token) <= 128:
            raise InvalidRequest("ClientRequestToken must be between 32 and 128 characters.")
        earlier = backend.query_runs.get(backend.query_tokens.get(token))
        if earlier is not None:
            same = (earlier.query, earlier.parameters, earlier.context, earlier.workgroup)
            if same != (query, parameters, context, workgroup):
                raise InvalidRequest("Idempotent parameters do not match", "INVALID_INPUT")
            return ok({"QueryExecutionId": earlier.id})
    result = _result_configuration(workgroup, self._get_param("ResultConfiguration"))
    query_id = str(uuid.uuid4())
    result["OutputLocation"] = f"{result['OutputLocation'].rstrip('/')}/{query_id}.csv"
    run = QueryRun(query_id, query, context, workgroup, parameters, result, token)
    backend.query_runs[query_id] = run
    if token is not None:
        backend.query_tokens[token] = query_id
    execute(run, self.current_account, self.region)
    return ok({"QueryExecutionId": query_id})


@patch(AthenaResponse)
def get_query_execution(self: AthenaResponse) -> Resp:
    return ok({"QueryExecution": _view(_run(self.athena_backend, self._get_param("QueryExecutionId")))})


@patch(AthenaResponse)
def batch_get_query_execution(self: AthenaResponse) -> Resp:
    backend: AthenaBackend = self.athena_backend
    ids = self._get_param("QueryExecutionIds")
    if not isinstance(ids, list) or not 1 <= len(ids) <= 50:
        raise InvalidRequest("QueryExecutionIds must hold 1 to 50 ids.")
    found, missing = [], []
    for query_id in ids:
        run = backend.query_runs.get(query_id)
        if run is None:
            missing.append({"QueryExecutionId": query_id, "ErrorCode": "INVALID_INPUT", "ErrorMessage": "not found"})
        else:
            found.append(_view(run))
    return ok({"QueryExecutions": found, "UnprocessedQueryExecutionIds": missing})


@patch(AthenaResponse)
def list_query_executions(self: AthenaResponse) -> Resp:
    backend: AthenaBackend = self.athena_backend
    workgroup = _workgroup(backend, self._get_param("WorkGroup") or "primary")
    max_results = self._get_param("MaxResults")
    if max_results is not None and (not isinstance(max_results, int) or not 0 <= max_results <= 50):
        raise InvalidRequest(_range_message(max_results, "maxResults", 50))
    ids = [r.id for r in reversed(backend.query_runs.values()) if r.workgroup is workgroup]
    page = paginate(ids, self._get_param("NextToken"), max_results, 50)
    if page is None:
        raise InvalidRequest("Invalid NextToken")
    body: dict[str, Any] = {"QueryExecutionIds": page[0]}
    if page[1]:
        body["NextToken"] = page[1]
    return ok(body)


def _range_message(value: Any, name: str, limit: int) -> str:
    return (
        f"1 validation error detected: Value '{value}' at '{name}' failed to satisfy constraint:"
        f" Member must have value less than or equal to {limit}"
    )


def _column_info(column: dict[str, Any]) -> dict[str, Any]:
    return {
        "CatalogName": "hive",
        "SchemaName": "",
        "TableName": "",
        "Name": column["name"],
        "Label": column["name"],
        "Type": column["type"],
        "Precision": column["precision"],
        "Scale": column["scale"],
        "Nullable": "UNKNOWN",
        "CaseSensitive": column["type"] == "varchar",
    }


@patch(AthenaResponse)
def get_query_results(self: AthenaResponse) -> Resp:
    run = _run(self.athena_backend, self._get_param("QueryExecutionId"))
    max_results = self._get_param("MaxResults")
    if max_results is not None and (not isinstance(max_results, int) or not 1 <= max_results <= MAX_RESULTS):
        raise InvalidRequest(_range_message(max_results, "maxResults", MAX_RESULTS))
    if run.state in ("QUEUED", "RUNNING"):
        raise InvalidRequest(f"Query has not yet finished. Current state: {run.state}")
    if run.state != "SUCCEEDED":
        raise InvalidRequest(f"Query did not finish successfully. Final query state: {run.state}")
    datum = lambda v: {} if v is None else {"VarCharValue": v}  # noqa: E731
    rows = [[c["name"] for c in run.columns], *run.rows]
    page = paginate(rows, self._get_param("NextToken"), max_results, MAX_RESULTS)
    if page is None:
        raise InvalidRequest("Invalid NextToken")
    body: dict[str, Any] = {
        "ResultSet": {
            "Rows": [{"Data": [datum(v) for v in row]} for row in page[0]],
            "ResultSetMetadata": {"ColumnInfo": [_column_info(c) for c in run.columns]},
        },
        "UpdateCount": 0,
    }
    if page[1]:
        body["NextToken"] = page[1]
    return ok(body)


@patch(AthenaResponse)
def stop_query_execution(self: AthenaResponse) -> Resp:
    run = _run(self.athena_backend, self._get_param("QueryExecutionId"))
    if run.state in ("QUEUED", "RUNNING"):
        _finish(run, "CANCELLED")
    return ok({})
