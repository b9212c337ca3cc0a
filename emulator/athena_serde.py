"""Rows of the S3 objects an emulated Athena query reads, as the table's SerDe decodes them.

``write_rows(table, objects, pseudo, path)`` writes every row of ``objects`` as NDJSON for the
engine (athena_engine.mjs), with the data columns, the partition columns (their values from the
object's partition) and the pseudo-columns the query names (``$path``: ``s3://bucket/key``,
``$file_size``). An object whose name ends in ``.gz`` is gunzipped first (Athena picks the codec
from the extension); its stored size is what the query scans.

- JSON (``org.openx.data.jsonserde.JsonSerDe``, ``org.apache.hive.hcatalog.data.JsonSerDe``): one
  object per line, blank lines skipped. Keys match columns case-insensitively (``case.insensitive``,
  default true, nested struct fields too; ``mapping.<column>`` names another key; ``dots.in.keys``
  turns dots into underscores); undeclared keys are dropped. A line that is not a JSON object is a
  row of NULLs with ``ignore.malformed.json`` (Trino's OpenX reader) and fails the query
  (``HIVE_CURSOR_ERROR``) without it. A value that does not fit its column's type is NULL.
- CSV (``org.apache.hadoop.hive.serde2.lazy.LazySimpleSerDe``): lines split on ``field.delim``
  (default ``\\x01``), no quoting; ``serialization.null.format`` (default ``\\N``) is NULL; missing
  trailing fields are NULL, extra ones dropped. ``org.apache.hadoop.hive.serde2.OpenCSVSerde``: the
  ``csv`` module with ``separatorChar``/``quoteChar``/``escapeChar``. The table parameter
  ``skip.header.line.count`` skips that many lines of every object.
"""

from __future__ import annotations

import csv
import gzip
import io
import json
import re
from datetime import datetime, timezone
from typing import Any, Iterator

from athena_tables import S3Object, Table, TableError, duckdb_type, split_type_args

JSON_SERDES = ("org.openx.data.jsonserde.JsonSerDe", "org.apache.hive.hcatalog.data.JsonSerDe")
LAZY_SIMPLE = "org.apache.hadoop.hive.serde2.lazy.LazySimpleSerDe"
OPEN_CSV = "org.apache.hadoop.hive.serde2.OpenCSVSerde"
PSEUDO_COLUMNS = {"$path": "VARCHAR", "$file_size": "BIGINT"}
INTEGERS = ("tinyint", "smallint", "int", "integer", "bigint")


def columns(table: Table, pseudo: list[str]) -> list[dict[str, str]]:
    """The engine's columns of ``table``: data, partition, then the named pseudo-columns."""
    out = [{"name": n, "type": duckdb_type(t)} for n, t in table.columns + table.partition_keys]
    return out + [{"name": p, "type": PSEUDO_COLUMNS[p]} for p in pseudo if p in PSEUDO_COLUMNS]


def coerce(value: Any, hive: str, insensitive: bool = True) -> Any:
    """A JSON value as a column of Hive type ``hive`` holds it (None when it does not fit)."""
    kind = re.split(r"[<(\s]", hive.strip().lower(), maxsplit=1)[0]
    inner = hive[hive.find("<") + 1 : -1] if "<" in hive else ""
    if value is None:
        return None
    if kind in ("string", "varchar", "char"):
        if isinstance(value, bool):
            return "true" if value else "false"
        return value if isinstance(value, str) else json.dumps(value, separators=(",", ":"))
    if kind == "struct":
        if not isinstance(value, dict):
            return None
        keyed = _keyed(value, insensitive)
        fields = [f.split(":", 1) for f in split_type_args(inner)]
        return {name.strip(): coerce(keyed.get(name.strip().lower()), t, insensitive) for name, t in fields}
    if kind == "array":
        return [coerce(v, inner, insensitive) for v in value] if isinstance(value, list) else None
    if kind == "map":
        _, value_type = split_type_args(inner)
        if not isinstance(value, dict):
            return None
        return {str(k): coerce(v, value_type, insensitive) for k, v in value.items()}
    if isinstance(value, (dict, list)):
        return None
    try:
        if kind in ("timestamp", "date"):
            at = datetime.fromisoformat(str(value).strip().replace("Z", "+00:00").replace(" ", "T"))
            at = at.astimezone(timezone.utc).replace(tzinfo=None) if at.tzinfo else at
            return at.date().isoformat() if kind == "date" else at.isoformat(sep=" ")
        if kind in INTEGERS:
            return None if isinstance(value, bool) else int(value if not isinstance(value, str) else value.strip())
        if kind in ("double", "float", "decimal"):
            return None if isinstance(value, bool) else float(value)
        if kind == "boolean":
            return value if isinstance(value, bool) else {"true": True, "false": False}.get(str(value).lower())
    except ValueError:
        return None
    return str(value)  # binary


def _keyed(obj: dict[str, Any], insensitive: bool) -> dict[str, Any]:
    return {k.lower(): v for k, v in obj.items()} if insensitive else obj


def _text(obj: S3Object) -> str:
    data = obj.stored.value
    if obj.key.endswith(".gz"):
        try:
            data = gzip.decompress(data)
        except (OSError, EOFError) as err:
            raise TableError("HIVE_CURSOR_ERROR", f"Cannot read {obj.uri}: {err}") from None
    return data.decode("utf-8", "replace")


def _lines(table: Table, obj: S3Object) -> list[str]:
    lines = _text(obj).split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    skip = int(table.parameters.get("skip.header.line.count", "0") or 0)
    return [line.removesuffix("\r") for line in lines[skip:]]


def _json_rows(table: Table, obj: S3Object) -> Iterator[dict[str, Any]]:
    params = {k.lower(): v for k, v in table.serde_parameters.items()}
    insensitive = params.get("case.insensitive", "true").lower() != "false"
    ignore_malformed = params.get("ignore.malformed.json", "false").lower() == "true"
    dots = params.get("dots.in.keys", "false").lower() == "true"
    mapping = {k[len("mapping.") :]: v for k, v in params.items() if k.startswith("mapping.")}
    for number, line in enumerate(_lines(table, obj), 1):
        if not line.strip():
            continue
        try:
            record, _ = json.JSONDecoder().raw_decode(line.strip())  # text after the object is ignored
            if not isinstance(record, dict):
                raise ValueError("not a JSON object")
        except ValueError as err:
            if not ignore_malformed:
                raise TableError(
                    "HIVE_CURSOR_ERROR", f"Row is not a valid JSON Object - {err} (file {obj.uri}, line {number})"
                ) from None
            yield {}
            continue
        if dots:
            record = {k.replace(".", "_"): v for k, v in record.items()}
        keyed = _keyed(record, insensitive)
        yield {
            name: coerce(keyed.get(mapping.get(name, name).lower() if insensitive else mapping.get(name, name)),
                         hive, insensitive)  # fmt: skip
            for name, hive in table.columns
        }


def _csv_rows(table: Table, obj: S3Object) -> Iterator[dict[str, Any]]:
    params = table.serde_parameters
    if table.serde == OPEN_CSV:
        reader = csv.reader(
            io.StringIO("\n".join(_lines(table, obj))),
            delimiter=params.get("separatorChar", ","),
            quotechar=params.get("quoteChar", '"'),
            escapechar=params.get("escapeChar", "\\"),
        )
        records: Iterator[list[str | None]] = (list[str | None](fields) for fields in reader)
    else:
        delimiter = params.get("field.delim") or params.get("serialization.format") or "\x01"
        null = params.get("serialization.null.format", "\\N")
        records = ([None if f == null else f for f in line.split(delimiter)] for line in _lines(table, obj))
    for fields in records:
        yield {name: coerce(fields[i] if i < len(fields) else None, hive) for i, (name, hive) in enumerate(table.columns)}


def rows(table: Table, obj: S3Object, pseudo: list[str]) -> Iterator[dict[str, Any]]:
    """The rows of one object, with its partition values and the named pseudo-columns."""
    if table.serde in JSON_SERDES:
        decoded = _json_rows(table, obj)
    elif table.serde in (LAZY_SIMPLE, OPEN_CSV):
        decoded = _csv_rows(table, obj)
    else:
        raise TableError("NOT_SUPPORTED", f"the emulator reads JSON and CSV tables only, not {table.serde or 'this SerDe'}")
    extra: dict[str, Any] = {name: coerce(obj.partition.get(name), hive) for name, hive in table.partition_keys}
    if "$path" in pseudo:
        extra["$path"] = obj.uri
    if "$file_size" in pseudo:
        extra["$file_size"] = obj.size
    for row in decoded:
        yield {**row, **extra}


def write_rows(table: Table, objects: list[S3Object], pseudo: list[str], path: str) -> int:
    """Writes the rows of ``objects`` to ``path`` (NDJSON); returns how many."""
    count = 0
    with open(path, "w", encoding="utf-8") as out:
        for obj in objects:
            for row in rows(table, obj, pseudo):
                out.write(json.dumps(row, ensure_ascii=False, separators=(",", ":")) + "\n")
                count += 1
    return count
