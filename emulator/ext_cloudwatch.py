"""CloudWatch extensions for moto 5.2.1: PutDashboard validates the dashboard body.

moto stores any body that parses as JSON. CloudWatch checks it against the documented structure
("Dashboard Body Structure and Syntax", CloudWatch API reference) and refuses the whole call with
``InvalidParameterInput`` (``DashboardInvalidInputError``) when any part is wrong: the message
``The dashboard body is invalid, there are N validation errors:`` followed by the errors as JSON
(``dataPath``, ``message``), and the same list in the error's ``dashboardValidationMessages``
(``DataPath``, ``Message``). The messages follow CloudWatch's JSON-schema wording (``Should have
required property 'metrics'``, ``Should be <= 23``, ...); where CloudWatch's wording for a rule is
not known the message says what is wrong in its own words.

What is checked (see README.md, "Amazon CloudWatch"): the top level (``widgets`` 0-500,
``variables`` 0-25, ``start``/``end``, ``periodOverride``), every widget's ``type``, position and
size on the 24-column grid and ``properties``; metric widgets (region, ``metrics`` rows of
``[namespace, name, dimension name, value, ..., {options}]`` or ``[{expression, id, label}]``,
ids, periods, statistics, views, annotations, at most one Metrics Insights query), text, log
(region, ``SOURCE '<group>' | ...`` query, view) and alarm widgets (1-100 alarm ARNs, sort, states).
``explorer``, ``custom`` and ``chart`` widgets get the common checks only. A valid body is stored
as sent; GetDashboard returns it byte for byte.

CloudWatch is served in moto's ``CloudWatchResponse`` for every protocol botocore speaks
(Smithy RPC v2 CBOR, JSON, query); errors carry extra members as attributes of the exception.
"""

from __future__ import annotations

import json
import re
from typing import Any

from moto.cloudwatch.exceptions import DashboardInvalidInputError
from moto.cloudwatch.responses import CloudWatchResponse
from moto.core.responses import ActionResult

from ext_common import patch

GRID_COLUMNS = 24
MAX_WIDGETS = 500
MAX_VARIABLES = 25
MAX_METRICS = 500
MAX_ALARMS = 100
WIDGET_TYPES = ["metric", "text", "log", "alarm", "explorer", "custom", "chart"]
METRIC_VIEWS = ["timeSeries", "singleValue", "gauge", "bar", "pie", "table"]
LOG_VIEWS = ["table", "timeSeries", "bar", "pie"]
ALARM_SORTS = ["default", "stateUpdatedTimestamp", "timestamp"]
ALARM_STATES = ["ALARM", "INSUFFICIENT_DATA", "OK"]
DASHBOARD_NAME = re.compile(r"[A-Za-z0-9_-]{1,255}")
METRIC_ID = r"^[a-z][a-zA-Z0-9_]*$"
COLOR = r"^#[0-9a-fA-F]{6}$"
# SampleCount | Average | Sum | Minimum | Maximum | p?? and the other percentile-style statistics.
STATISTIC = re.compile(
    r"(SampleCount|Average|Sum|Minimum|Maximum|IQM|(p|tm|wm|tc|ts)\d{1,2}(\.\d+)?"
    r"|(TM|WM|TC|TS|PR)\([^)]*\))"
)
ALARM_ARN = re.compile(r"arn:aws[a-z-]*:cloudwatch:[a-z0-9-]+:\d{12}:alarm:.+")
SOURCE_CLAUSE = re.compile(r"""\s*SOURCE\s+('[^']+'|"[^"]+")\s*\|""")
METRIC_WIDGET_SOURCE = "The metric widget should have specified a region and a data source or an alarm annotation"
STATISTIC_MESSAGE = "Should be a CloudWatch statistic (SampleCount, Average, Sum, Minimum, Maximum, p??)"
ALARM_ARN_MESSAGE = "Should be an alarm ARN (arn:aws:cloudwatch:<region>:<account>:alarm:<name>)"

Problems = list[tuple[str, str]]


# --------------------------------------------------------------------------- schema helpers


def _type_name(value: Any) -> str:
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    if isinstance(value, dict):
        return "object"
    return "null"


def _is(value: Any, kind: str) -> bool:
    actual = _type_name(value)
    return actual == kind or (kind == "number" and actual == "integer")


def _typed(out: Problems, path: str, value: Any, kind: str) -> bool:
    """Whether ``value`` is of the JSON-schema type ``kind``; records the problem when not."""
    if _is(value, kind):
        return True
    out.append((path, f"Should be {kind}"))
    return False


def _optional(out: Problems, obj: dict[str, Any], path: str, key: str, kind: str) -> Any:
    """``obj[key]`` when present and of type ``kind``, else None (recording a wrong type)."""
    if key in obj and _typed(out, f"{path}/{key}", obj[key], kind):
        return obj[key]
    return None


def _enum(out: Problems, obj: dict[str, Any], path: str, key: str, allowed: list[str]) -> None:
    value = _optional(out, obj, path, key, "string")
    if value is not None and value not in allowed:
        out.append((f"{path}/{key}", "Should be equal to one of the allowed values"))


def _required(out: Problems, obj: dict[str, Any], path: str, key: str) -> bool:
    if key in obj:
        return True
    out.append((path, f"Should have required property '{key}'"))
    return False


def _integer_between(out: Problems, obj: dict[str, Any], path: str, key: str, low: int, high: int | None) -> None:
    value = _optional(out, obj, path, key, "integer")
    if value is None:
        return
    if value < low:
        out.append((f"{path}/{key}", f"Should be >= {low}"))
    elif high is not None and value > high:
        out.append((f"{path}/{key}", f"Should be <= {high}"))


def _period(out: Problems, obj: dict[str, Any], path: str) -> None:
    value = _optional(out, obj, path, "period", "integer")
    if value is None:
        return
    if value < 60:
        out.append((f"{path}/period", "Should be >= 60"))
    elif value % 60 != 0:
        out.append((f"{path}/period", "Should be multiple of 60"))


def _pattern(out: Problems, obj: dict[str, Any], path: str, key: str, pattern: str) -> None:
    value = _optional(out, obj, path, key, "string")
    if value is not None and re.search(pattern, value) is None:
        out.append((f"{path}/{key}", f'Should match pattern "{pattern}"'))


def _stat(out: Problems, obj: dict[str, Any], path: str) -> None:
    value = _optional(out, obj, path, "stat", "string")
    if value is not None and STATISTIC.fullmatch(value) is None:
        out.append((f"{path}/stat", STATISTIC_MESSAGE))


# --------------------------------------------------------------------------- the body


def validate_body(body: Any) -> Problems:
    """Every problem of a parsed dashboard body, as (dataPath, message), in document order."""
    out: Problems = []
    if not _typed(out, "", body, "object"):
        return out
    _optional(out, body, "", "start", "string")
    if _optional(out, body, "", "end", "string") is not None and "start" not in body:
        out.append(("", "Should have property start when property end is present"))
    _enum(out, body, "", "periodOverride", ["auto", "inherit"])
    variables = _optional(out, body, "", "variables", "array")
    if variables is not None:
        if len(variables) > MAX_VARIABLES:
            out.append(("/variables", f"Should NOT have more than {MAX_VARIABLES} items"))
        for i, variable in enumerate(variables):
            _variable(out, variable, f"/variables/{i}")
    if _required(out, body, "", "widgets") and _typed(out, "/widgets", body["widgets"], "array"):
        widgets = body["widgets"]
        if len(widgets) > MAX_WIDGETS:
            out.append(("/widgets", f"Should NOT have more than {MAX_WIDGETS} items"))
        for i, widget in enumerate(widgets):
            _widget(out, widget, f"/widgets/{i}")
    return out


def _variable(out: Problems, variable: Any, path: str) -> None:
    if not _typed(out, path, variable, "object"):
        return
    for key in ("type", "inputType", "id"):
        _required(out, variable, path, key)
    _enum(out, variable, path, "type", ["property", "pattern"])
    _enum(out, variable, path, "inputType", ["input", "select", "radio"])
    _pattern(out, variable, path, "id", r"^[0-9A-Za-z_-]{1,32}$")


def _widget(out: Problems, widget: Any, path: str) -> None:
    if not _typed(out, path, widget, "object"):
        return
    if _required(out, widget, path, "type"):
        _enum(out, widget, path, "type", WIDGET_TYPES)
    _integer_between(out, widget, path, "x", 0, GRID_COLUMNS - 1)
    _integer_between(out, widget, path, "y", 0, None)
    _integer_between(out, widget, path, "width", 1, GRID_COLUMNS)
    _integer_between(out, widget, path, "height", 1, 1000)
    for present, needed in (("x", "y"), ("y", "x")):
        if present in widget and needed not in widget:
            out.append((path, f"Should have property {needed} when property {present} is present"))
    if not _required(out, widget, path, "properties"):
        return
    properties = widget["properties"]
    if not _typed(out, f"{path}/properties", properties, "object"):
        return
    check = {"metric": _metric_widget, "text": _text_widget, "log": _log_widget, "alarm": _alarm_widget}
    kind = widget.get("type")
    if isinstance(kind, str) and kind in check:
        check[kind](out, properties, f"{path}/properties")


# --------------------------------------------------------------------------- widget types


def _metric_widget(out: Problems, p: dict[str, Any], path: str) -> None:
    metrics = _optional(out, p, path, "metrics", "array")
    annotations = _optional(out, p, path, "annotations", "object")
    alarm_annotation = annotations is not None and "alarms" in annotations
    if metrics is None and not alarm_annotation:
        if "metrics" not in p:
            out.append((path, "Should have required property 'metrics'"))
        out.append((path, METRIC_WIDGET_SOURCE))
        if annotations is None:
            out.append((path, "Should have required property 'annotations'"))
    elif not isinstance(p.get("region"), str):
        if "region" in p:
            out.append((f"{path}/region", "Should be string"))
        else:
            out.append((path, METRIC_WIDGET_SOURCE))
    if metrics is not None:
        if len(metrics) > MAX_METRICS:
            out.append((f"{path}/metrics", f"Should NOT have more than {MAX_METRICS} items"))
        queries = 0
        for j, row in enumerate(metrics):
            queries += _metric_row(out, row, f"{path}/metrics/{j}", first=j == 0)
        if queries > 1:
            out.append((f"{path}/metrics", "One metrics array can include no more than one Metrics Insights query"))
    if annotations is not None:
        alarms = _optional(out, annotations, f"{path}/annotations", "alarms", "array")
        if alarms is not None:
            if len(alarms) > 1:
                out.append((f"{path}/annotations/alarms", "Should NOT have more than 1 items"))
            if metrics is not None:
                out.append((path, "A metric widget with an alarm annotation cannot also have a metrics array"))
    _optional(out, p, path, "title", "string")
    for flag in ("stacked", "liveData", "sparkline"):
        _optional(out, p, path, flag, "boolean")
    _enum(out, p, path, "view", METRIC_VIEWS)
    _period(out, p, path)
    _stat(out, p, path)
    _pattern(out, p, path, "timezone", r"^[+-]\d{4}$")
    legend = _optional(out, p, path, "legend", "object")
    if legend is not None:
        _enum(out, legend, f"{path}/legend", "position", ["right", "bottom", "hidden"])
    y_axis = _optional(out, p, path, "yAxis", "object")
    for side in ("left", "right"):
        axis = _optional(out, y_axis or {}, f"{path}/yAxis", side, "object")
        for bound in ("min", "max"):
            _optional(out, axis or {}, f"{path}/yAxis/{side}", bound, "number")
    if p.get("view") == "gauge":
        left = (y_axis or {}).get("left") or {}
        if not isinstance(left, dict) or "min" not in left or "max" not in left:
            out.append((path, "A gauge widget must set yAxis.left.min and yAxis.left.max"))


def _metric_row(out: Problems, row: Any, path: str, first: bool) -> int:
    """Checks one entry of ``metrics``; returns 1 for a Metrics Insights query, else 0."""
    if not _typed(out, path, row, "array"):
        return 0
    if not row:
        out.append((path, "Should NOT have fewer than 1 items"))
        return 0
    if isinstance(row[0], dict):
        if len(row) > 1:
            out.append((path, "Should NOT have more than 1 items"))
        expression = row[0]
        if _required(out, expression, f"{path}/0", "expression"):
            text = expression["expression"]
            if _typed(out, f"{path}/0/expression", text, "string") and not text.strip():
                out.append((f"{path}/0/expression", "Should NOT be shorter than 1 characters"))
        _options(out, expression, f"{path}/0")
        text = expression.get("expression")
        return 1 if isinstance(text, str) and text.lstrip().upper().startswith("SELECT ") else 0
    strings = row[:-1] if isinstance(row[-1], dict) else row
    for k, item in enumerate(strings):
        if not _typed(out, f"{path}/{k}", item, "string"):
            return 0
    if len(strings) < 2:
        out.append((path, "A metric needs a namespace and a metric name"))
    elif len(strings) % 2 != 0:
        out.append((path, "Each dimension name needs a value"))
    if first and "." in strings[:2]:
        out.append((path, 'The first metric cannot use "." (same as the previous metric)'))
    for k, item in enumerate(strings):
        if item == "":
            out.append((f"{path}/{k}", "Should NOT be shorter than 1 characters"))
    if isinstance(row[-1], dict):
        _options(out, row[-1], f"{path}/{len(row) - 1}")
    return 0


def _options(out: Problems, options: dict[str, Any], path: str) -> None:
    """The rendering properties of one metric or expression."""
    _pattern(out, options, path, "id", METRIC_ID)
    _optional(out, options, path, "label", "string")
    _optional(out, options, path, "visible", "boolean")
    _pattern(out, options, path, "color", COLOR)
    _enum(out, options, path, "yAxis", ["left", "right"])
    _period(out, options, path)
    _stat(out, options, path)


def _text_widget(out: Problems, p: dict[str, Any], path: str) -> None:
    if _required(out, p, path, "markdown"):
        _typed(out, f"{path}/markdown", p["markdown"], "string")
    _enum(out, p, path, "background", ["solid", "transparent"])


def _log_widget(out: Problems, p: dict[str, Any], path: str) -> None:
    if _required(out, p, path, "region"):
        _typed(out, f"{path}/region", p["region"], "string")
    if _required(out, p, path, "query") and _typed(out, f"{path}/query", p["query"], "string"):
        if SOURCE_CLAUSE.match(p["query"]) is None:
            out.append((f"{path}/query", "The query must start with its log groups: SOURCE '<log group name>' | ..."))
    _optional(out, p, path, "title", "string")
    _enum(out, p, path, "view", LOG_VIEWS)


def _alarm_widget(out: Problems, p: dict[str, Any], path: str) -> None:
    if _required(out, p, path, "alarms") and _typed(out, f"{path}/alarms", p["alarms"], "array"):
        alarms = p["alarms"]
        if not alarms:
            out.append((f"{path}/alarms", "Should NOT have fewer than 1 items"))
        elif len(alarms) > MAX_ALARMS:
            out.append((f"{path}/alarms", f"Should NOT have more than {MAX_ALARMS} items"))
        for k, arn in enumerate(alarms):
            if _typed(out, f"{path}/alarms/{k}", arn, "string") and ALARM_ARN.fullmatch(arn) is None:
                out.append((f"{path}/alarms/{k}", ALARM_ARN_MESSAGE))
    _enum(out, p, path, "sortBy", ALARM_SORTS)
    states = _optional(out, p, path, "states", "array")
    for k, state in enumerate(states or []):
        if not isinstance(state, str) or state not in ALARM_STATES:
            out.append((f"{path}/states/{k}", "Should be equal to one of the allowed values"))
    _optional(out, p, path, "title", "string")


# --------------------------------------------------------------------------- the operation


def invalid_input(message: str, problems: Problems) -> DashboardInvalidInputError:
    error = DashboardInvalidInputError(message)
    # Serialized as the error's modelled member (moto writes extra attributes of the exception).
    messages = [{"DataPath": p, "Message": m} for p, m in problems]
    error.dashboardValidationMessages = messages  # type: ignore[attr-defined]
    return error


def body_error(problems: Problems) -> DashboardInvalidInputError:
    listed = json.dumps([{"dataPath": p, "message": m} for p, m in problems], indent=2)
    head = f"The dashboard body is invalid, there are {len(problems)} validation errors:"
    return invalid_input(f"{head}\n{listed}", problems)


@patch(CloudWatchResponse)
def put_dashboard(self: CloudWatchResponse) -> ActionResult:
    name = self._get_param("DashboardName")
    body = self._get_param("DashboardBody")
    if not isinstance(name, str) or DASHBOARD_NAME.fullmatch(name) is None:
        raise invalid_input(
            "The value for field DashboardName must be 1-255 characters of A-Z, a-z, 0-9, - and _",
            [("DashboardName", "Should match pattern \"^[A-Za-z0-9_-]{1,255}$\"")],
        )
    try:
        parsed = json.loads(body) if isinstance(body, str) else None
    except ValueError:
        parsed = None
    if parsed is None:
        raise invalid_input("The field DashboardBody must be a valid JSON object", [])
    problems = validate_body(parsed)
    if problems:
        raise body_error(problems)
    self.cloudwatch_backend.put_dashboard(name, body)
    return ActionResult({"DashboardValidationMessages": []})
