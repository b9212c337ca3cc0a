"""The tables the emulator's Athena reads: Glue metadata, S3 objects, partition projection, pruning.

``load(account, region, catalog, database, name)`` reads a table from moto's Glue backend;
``objects(table, scans, now)`` lists the S3 objects a query reads from it, as Athena does:

- the objects under the table's location, recursively (Athena reads sub-"folders" too: that is why
  the cost queries filter ``"$path" NOT LIKE '%/data/%'``), skipping "folder" markers and hidden
  files (a name starting with ``_`` or ``.``);
- partitioned tables: with partition projection (``projection.enabled``), every object whose key
  matches ``storage.location.template`` (default ``<location>/<col>=<value>/``) with values the
  projection admits (``date`` within its range, ``NOW`` being the emulator clock; ``integer`` within
  its range; ``enum`` among its values; ``injected`` any); otherwise the Glue partitions' locations;
- partition pruning: a partition is read when, for at least one scan of the table, it satisfies
  every folded predicate of that scan on partition columns (athena_sql.mjs ``scans``: top-level
  ``AND`` conjuncts of the scan's ``WHERE`` comparing the column with constants: = <> < <= > >=,
  ``BETWEEN``, ``IN``). A string column compares with varchar constants as strings, an integer
  column with integer constants, a date column with date constants; other pairs do not prune.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Any

from moto.glue.exceptions import DatabaseNotFoundException, EntityNotFoundException
from moto.glue.models import glue_backends
from moto.s3.models import FakeKey, s3_backends


class TableError(Exception):
    """The table cannot be read: ``error_type`` is Athena's (TABLE_NOT_FOUND, ...)."""

    def __init__(self, error_type: str, message: str) -> None:
        super().__init__(f"{error_type}: {message}")
        self.error_type = error_type


@dataclass
class Table:
    catalog: str
    database: str
    name: str
    columns: list[tuple[str, str]]  # (name, Hive type)
    partition_keys: list[tuple[str, str]]
    location: str
    serde: str
    serde_parameters: dict[str, str]
    parameters: dict[str, str]
    partitions: list[tuple[list[str], str]] = field(default_factory=list)  # (values, location)


@dataclass
class S3Object:
    bucket: str
    key: str
    size: int
    stored: FakeKey
    partition: dict[str, str]

    @property
    def uri(self) -> str:
        return f"s3://{self.bucket}/{self.key}"


def load(account: str, region: str, catalog: str, database: str, name: str, at: str) -> Table:
    """The Glue table ``database.name``; ``at`` (``line L:C``) places the error messages."""
    if catalog.lower() != "awsdatacatalog":
        raise TableError("CATALOG_NOT_FOUND", f"{at}: Catalog '{catalog}' does not exist")
    glue = glue_backends[account][region]
    try:
        glue.get_database(database)
    except DatabaseNotFoundException:
        raise TableError("SCHEMA_NOT_FOUND", f"{at}: Schema '{database}' does not exist") from None
    try:
        found = glue.get_table(database, name)
    except EntityNotFoundException:
        found = next((t for t in glue.get_tables(database, None) if t.name.lower() == name), None)
    if found is None:
        raise TableError("TABLE_NOT_FOUND", f"{at}: Table '{catalog.lower()}.{database}.{name}' does not exist")
    spec = found.as_dict()
    storage = spec.get("StorageDescriptor") or {}
    serde = storage.get("SerdeInfo") or {}
    keys = [(k["Name"].lower(), k.get("Type", "string")) for k in spec.get("PartitionKeys") or []]
    return Table(
        catalog=catalog.lower(),
        database=database,
        name=name,
        columns=[(c["Name"].lower(), c.get("Type", "string")) for c in storage.get("Columns") or []],
        partition_keys=keys,
        location=storage.get("Location") or "",
        serde=serde.get("SerializationLibrary") or "",
        serde_parameters=serde.get("Parameters") or {},
        parameters=spec.get("Parameters") or {},
        partitions=[
            (list(p.values), (p.partition_input.get("StorageDescriptor") or {}).get("Location") or "")
            for p in found.partitions.values()
        ],
    )


# ----------------------------------------------------------------------------- Hive types


def split_type_args(text: str) -> list[str]:
    """``a:int,b:struct<c:int,d:string>`` → its top-level comma-separated parts."""
    parts, depth, start = [], 0, 0
    for i, ch in enumerate(text):
        if ch in "<(":
            depth += 1
        elif ch in ">)":
            depth -= 1
        elif ch == "," and depth == 0:
            parts.append(text[start:i].strip())
            start = i + 1
    tail = text[start:].strip()
    return [*parts, tail] if tail else parts


SCALARS = {
    "string": "VARCHAR",
    "varchar": "VARCHAR",
    "char": "VARCHAR",
    "tinyint": "TINYINT",
    "smallint": "SMALLINT",
    "int": "INTEGER",
    "integer": "INTEGER",
    "bigint": "BIGINT",
    "float": "FLOAT",
    "double": "DOUBLE",
    "boolean": "BOOLEAN",
    "date": "DATE",
    "timestamp": "TIMESTAMP",
    "binary": "BLOB",
}


def duckdb_type(hive: str) -> str:
    """The DuckDB type of a Hive/Glue column type (``struct<a:bigint>`` → ``STRUCT("a" BIGINT)``)."""
    text = hive.strip().lower()
    base = re.match(r"[a-z]+", text)
    head = base.group(0) if base else text
    inner = text[text.find("<") + 1 : -1] if "<" in text else ""
    if head == "struct":
        fields = [f.split(":", 1) for f in split_type_args(inner)]
        return "STRUCT(" + ", ".join(f'"{n.strip()}" {duckdb_type(t)}' for n, t in fields) + ")"
    if head == "array":
        return f"{duckdb_type(inner)}[]"
    if head == "map":
        key, value = split_type_args(inner)
        return f"MAP({duckdb_type(key)}, {duckdb_type(value)})"
    if head == "decimal":
        return text.upper()
    if head in SCALARS:
        return SCALARS[head]
    raise TableError("NOT_SUPPORTED", f"column type {hive} is not supported by the emulator")


# ----------------------------------------------------------------------------- S3 listing


def _split(location: str) -> tuple[str, str]:
    match = re.fullmatch(r"s3a?://([^/]+)/?(.*)", location)
    if not match:
        raise TableError("HIVE_INVALID_METADATA", f"Table location {location!r} is not an s3:// URI")
    return match.group(1), match.group(2)


def _listing(bucket: str, prefix: str) -> list[tuple[str, FakeKey]]:
    owner = s3_backends.bucket_accounts.get(bucket)
    if owner is None:
        raise TableError("HIVE_FILESYSTEM_ERROR", f"The specified bucket does not exist (Bucket: {bucket})")
    partition, account = owner
    stored = s3_backends[account][partition].get_bucket(bucket)
    found = []
    for key, value in sorted(stored.keys.items()):
        name = key.rsplit("/", 1)[-1]
        if key.startswith(prefix) and isinstance(value, FakeKey) and name and name[0] not in "_.":
            found.append((key, value))
    return found


def _folder(location: str) -> tuple[str, str]:
    bucket, prefix = _split(location)
    return bucket, prefix if not prefix or prefix.endswith("/") else f"{prefix}/"


# ----------------------------------------------------------------------------- projection

JAVA_FIELDS = {"yyyy": ("%Y", r"\d{4}"), "MM": ("%m", r"\d{2}"), "dd": ("%d", r"\d{2}"),
               "HH": ("%H", r"\d{2}"), "mm": ("%M", r"\d{2}"), "ss": ("%S", r"\d{2}")}  # fmt: skip
UNITS = {"YEARS": "years", "MONTHS": "months", "WEEKS": "weeks", "DAYS": "days",
         "HOURS": "hours", "MINUTES": "minutes", "SECONDS": "seconds"}  # fmt: skip


def java_format(pattern: str) -> tuple[str, str]:
    """A Java date pattern (``yyyy/MM/dd/HH``) as a strptime format and a regex."""
    fmt, regex = "", ""
    for match in re.finditer(r"'([^']*)'|([a-zA-Z])\2*|(.)", pattern):
        quoted, run, other = match.group(1), match.group(0), match.group(3)
        if quoted is not None or other is not None:
            literal = quoted if quoted is not None else other
            fmt, regex = fmt + literal.replace("%", "%%"), regex + re.escape(literal)
        elif run in JAVA_FIELDS:
            fmt, regex = fmt + JAVA_FIELDS[run][0], regex + JAVA_FIELDS[run][1]
        else:
            raise TableError("NOT_SUPPORTED", f"projection date format {pattern} is not supported by the emulator")
    return fmt, regex


def _shift(at: datetime, amount: int, unit: str) -> datetime:
    if unit in ("years", "months"):
        months = at.month - 1 + amount * (12 if unit == "years" else 1)
        year, month = at.year + months // 12, months % 12 + 1
        return at.replace(year=year, month=month, day=min(at.day, calendar.monthrange(year, month)[1]))
    return at + timedelta(**{unit: amount})


def _bound(text: str, fmt: str, now: datetime) -> datetime:
    """A range bound (a formatted date, or NOW[±N UNITS]) at the format's resolution."""
    match = re.fullmatch(r"\s*NOW\s*(?:([+-])\s*(\d+)\s*([A-Z]+?)S?)?\s*", text.upper())
    at = text.strip()
    if match:
        unit = UNITS.get((match.group(3) or "") + "S")
        if match.group(1) and unit is None:
            raise TableError("HIVE_INVALID_METADATA", f"bad projection range bound {text}")
        shifted = _shift(now, int(match.group(2)) * (1 if match.group(1) == "+" else -1), unit) if unit else now
        at = shifted.strftime(fmt)
    return datetime.strptime(at, fmt).replace(tzinfo=timezone.utc)


class Projection:
    """The partition projection of one partition column."""

    def __init__(self, column: str, params: dict[str, str], now: datetime) -> None:
        get = lambda key, default=None: params.get(f"projection.{column}.{key}", default)  # noqa: E731
        self.kind = (get("type") or "").lower()
        self.regex = r"[^/]+"
        if self.kind == "date":
            self.format, self.regex = java_format(get("format") or "")
            start, end = (get("range") or ",").split(",", 1)
            self.start, self.end = _bound(start, self.format, now), _bound(end, self.format, now)
        elif self.kind == "integer":
            low, high = (get("range") or ",").split(",", 1)
            self.low, self.high, self.regex = int(low), int(high), r"-?\d+"
        elif self.kind == "enum":
            self.values = {v.strip() for v in (get("values") or "").split(",")}
        elif self.kind != "injected":
            raise TableError("HIVE_INVALID_METADATA", f"projection.{column}.type {self.kind!r} is not supported")

    def admits(self, value: str) -> bool:
        if self.kind == "date":
            try:
                at = datetime.strptime(value, self.format).replace(tzinfo=timezone.utc)
            except ValueError:
                return False
            return self.start <= at <= self.end
        if self.kind == "integer":
            return self.low <= int(value) <= self.high
        return self.kind == "injected" or value in self.values


def _candidates(table: Table, now: datetime) -> list[S3Object]:
    """Every object of the table with the partition values it belongs to."""
    if not table.partition_keys:
        bucket, prefix = _folder(table.location)
        return [S3Object(bucket, k, v.size, v, {}) for k, v in _listing(bucket, prefix)]
    names = [name for name, _ in table.partition_keys]
    if table.parameters.get("projection.enabled", "").lower() == "true":
        projections = {name: Projection(name, table.parameters, now) for name in names}
        hive_layout = "".join(f"{n}=${{{n}}}/" for n in names)  # Athena's default: <location>/dt=<value>/
        template = table.parameters.get("storage.location.template") or f"{table.location.rstrip('/')}/{hive_layout}"
        bucket, key_template = _split(template)
        static = key_template.split("${", 1)[0]
        pattern = re.compile(
            re.sub(
                r"\\\$\\\{([^}]+)\\\}",
                lambda m: f"(?P<{m.group(1)}>{projections[m.group(1)].regex})",
                re.escape(key_template),
            )
        )
        found = []
        for key, value in _listing(bucket, static):
            match = pattern.match(key)
            if match and all(projections[n].admits(v) for n, v in match.groupdict().items()):
                found.append(S3Object(bucket, key, value.size, value, match.groupdict()))
        return found
    found = []
    for values, location in table.partitions:
        bucket, prefix = _folder(location)
        for key, value in _listing(bucket, prefix):
            found.append(S3Object(bucket, key, value.size, value, dict(zip(names, values))))
    return found


# ----------------------------------------------------------------------------- pruning

OPS = {
    "=": lambda a, b: a == b,
    "<>": lambda a, b: a != b,
    "<": lambda a, b: a < b,
    ">": lambda a, b: a > b,
    "<=": lambda a, b: a <= b,
    ">=": lambda a, b: a >= b,
}


def _comparable(hive_type: str, value: str | None, constant: dict[str, Any]) -> tuple[Any, Any] | None:
    """The partition value and a constant in one domain, or None when they do not compare here."""
    kind, text = hive_type.split("(")[0].strip().lower(), constant.get("value")
    if value is None or text is None:
        return None
    if kind in ("string", "varchar", "char") and constant["type"] == "varchar":
        return value, text
    if kind in ("int", "integer", "bigint", "smallint", "tinyint") and constant["type"] in (
        "tinyint", "smallint", "integer", "bigint"):  # fmt: skip
        return int(value), int(text)
    if kind == "date" and constant["type"] == "date":
        return value, text
    return None


def _satisfies(table: Table, partition: dict[str, str], predicate: dict[str, Any]) -> bool:
    types = dict(table.partition_keys)
    column, op, values = predicate["column"], predicate["op"], predicate["values"]
    pairs = [pair for pair in (_comparable(types[column], partition.get(column), v) for v in values) if pair]
    if len(pairs) != len(values):
        return True  # not comparable here: read it, the query filters it
    if op == "between":
        return pairs[0][1] <= pairs[0][0] <= pairs[1][1]
    if op == "in":
        return any(a == b for a, b in pairs)
    return OPS[op](*pairs[0])


def objects(table: Table, scans: list[dict[str, Any]], now: datetime) -> list[S3Object]:
    """The objects the query's scans of ``table`` read (``scans``: athena_engine.plan's, this table's)."""
    candidates = _candidates(table, now)
    partition_columns = {name for name, _ in table.partition_keys}
    kept = []
    for obj in candidates:
        for scan in scans:
            predicates = [p for p in scan["predicates"] if p["column"] in partition_columns]
            if all(_satisfies(table, obj.partition, p) for p in predicates):
                kept.append(obj)
                break
    return kept
