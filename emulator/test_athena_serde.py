"""Tests of athena_serde.py: rows of S3 objects as the JSON and CSV SerDes decode them.

No server: the objects are stand-ins with a ``value``. Run: python3 -m unittest test_athena_serde
"""

from __future__ import annotations

import gzip
import json
import tempfile
import unittest
from pathlib import Path
from types import SimpleNamespace
from typing import Any, cast

from athena_serde import columns, rows, write_rows
from athena_tables import S3Object, Table, TableError

OPENX = "org.openx.data.jsonserde.JsonSerDe"
LAZY = "org.apache.hadoop.hive.serde2.lazy.LazySimpleSerDe"
OPEN_CSV = "org.apache.hadoop.hive.serde2.OpenCSVSerde"


def table(serde: str, cols: list[tuple[str, str]], serde_parameters: dict[str, str] | None = None,
          parameters: dict[str, str] | None = None) -> Table:  # fmt: skip
    return Table("awsdatacatalog", "db", "t", cols, [("dt", "string")], "s3://b/t/", serde,
                 serde_parameters or {}, parameters or {})  # fmt: skip


def obj(key: str, text: str, partition: dict[str, str] | None = None) -> S3Object:
    data = gzip.compress(text.encode()) if key.endswith(".gz") else text.encode()
    return S3Object("b", key, len(data), cast(Any, SimpleNamespace(value=data)), partition or {"dt": "2026/11/20/10"})


class JsonTest(unittest.TestCase):
    LOG = [("schematype", "string"), ("identity", "struct<arn:string>"),
           ("input", "struct<inputtokencount:bigint,cachereadinputtokencount:bigint>")]  # fmt: skip

    def test_keys_match_columns_case_insensitively_nested_too_and_undeclared_keys_are_dropped(self) -> None:
        line = json.dumps({"schemaType": "ModelInvocationLog", "identity": {"ARN": "arn:x"},
                           "input": {"inputTokenCount": 12, "inputBodyJson": {"big": "body"}}, "extra": 1})  # fmt: skip
        found = list(rows(table(OPENX, self.LOG), obj("k.json.gz", line + "\n\n"), ["$path"]))
        self.assertEqual(found, [{
            "schematype": "ModelInvocationLog", "identity": {"arn": "arn:x"},
            "input": {"inputtokencount": 12, "cachereadinputtokencount": None},
            "dt": "2026/11/20/10", "$path": "s3://b/k.json.gz",
        }])  # fmt: skip

    def test_a_malformed_line_is_a_row_of_nulls_with_ignore_malformed_json_else_an_error(self) -> None:
        text = '{"schemaType": "a"}\n{broken\n[1, 2]\n{"schemaType": "b"} trailing\n'
        lenient = table(OPENX, self.LOG, {"ignore.malformed.json": "TRUE"})
        found = [r.get("schematype") for r in rows(lenient, obj("k.json", text), [])]
        self.assertEqual(found, ["a", None, None, "b"])
        with self.assertRaises(TableError) as ctx:
            list(rows(table(OPENX, self.LOG), obj("k.json", text), []))
        self.assertEqual(ctx.exception.error_type, "HIVE_CURSOR_ERROR")
        self.assertIn("line 2", str(ctx.exception))

    def test_values_that_do_not_fit_their_type_are_null_and_strings_take_any_json(self) -> None:
        cols = [("n", "bigint"), ("d", "double"), ("b", "boolean"), ("s", "string"), ("o", "string"),
                ("l", "array<int>"), ("m", "map<string,bigint>")]  # fmt: skip
        text = '{"n": "42", "d": "x", "b": "TRUE", "s": 7, "o": {"a": [1]}, "l": [1, "2", "z"], "m": {"k": 3}}\n'
        self.assertEqual(next(rows(table(OPENX, cols), obj("k.json", text), [])), {
            "n": 42, "d": None, "b": True, "s": "7", "o": '{"a":[1]}', "l": [1, 2, None], "m": {"k": 3},
            "dt": "2026/11/20/10",
        })  # fmt: skip

    def test_timestamps_and_dates_are_read_from_iso_8601_text_in_utc(self) -> None:
        cols = [("t", "timestamp"), ("z", "timestamp"), ("d", "date"), ("bad", "date")]
        text = '{"t": "2026-11-02 14:05:09.5", "z": "2026-11-02T16:05:09+02:00", "d": "2026-11-02", "bad": "soon"}'
        found = next(rows(table(OPENX, cols), obj("k.json", text), []))
        self.assertEqual((found["t"], found["z"], found["d"], found["bad"]),
                         ("2026-11-02 14:05:09.500000", "2026-11-02 14:05:09", "2026-11-02", None))  # fmt: skip

    def test_mapping_and_dots_in_keys_and_case_sensitive_keys(self) -> None:
        cols = [("user_id", "string"), ("a_b", "string")]
        params = {"mapping.user_id": "userId", "dots.in.keys": "true"}
        found = next(rows(table(OPENX, cols, params), obj("k.json", '{"userId": "u", "a.b": "v"}'), []))
        self.assertEqual((found["user_id"], found["a_b"]), ("u", "v"))
        strict = table(OPENX, [("a", "string")], {"case.insensitive": "false"})
        self.assertIsNone(next(rows(strict, obj("k.json", '{"A": "upper"}'), []))["a"])

    def test_a_gzipped_object_that_is_not_gzip_cannot_be_read(self) -> None:
        broken = S3Object("b", "k.json.gz", 3, cast(Any, SimpleNamespace(value=b"abc")), {})
        with self.assertRaises(TableError):
            list(rows(table(OPENX, self.LOG), broken, []))


class CsvTest(unittest.TestCase):
    PROFILES = [("profile_arn", "string"), ("developer_id", "string"), ("team", "string"), ("n", "int")]

    def test_lazy_simple_serde_splits_lines_skips_headers_and_pads_missing_fields(self) -> None:
        text = "profile_arn,developer_id,team,n\r\narn:1,jane,platform,3,extra\narn:2,bob\narn:3,\\N,,x\n"
        t = table(LAZY, self.PROFILES, {"field.delim": ","}, {"skip.header.line.count": "1"})
        found = [{k: r[k] for k, _ in self.PROFILES} for r in rows(t, obj("p.csv", text), [])]
        self.assertEqual(found, [
            {"profile_arn": "arn:1", "developer_id": "jane", "team": "platform", "n": 3},
            {"profile_arn": "arn:2", "developer_id": "bob", "team": None, "n": None},
            {"profile_arn": "arn:3", "developer_id": None, "team": "", "n": None},
        ])  # fmt: skip

    def test_lazy_simple_serde_defaults_to_ctrl_a_and_open_csv_reads_quotes(self) -> None:
        t = table(LAZY, self.PROFILES[:2])
        self.assertEqual(next(rows(t, obj("p", "a\x01b,c\n"), []))["developer_id"], "b,c")
        quoted = table(OPEN_CSV, self.PROFILES[:2])
        self.assertEqual(next(rows(quoted, obj("p.csv", '"a,1","say ""hi"""\n'), []))["developer_id"], 'say "hi"')

    def test_other_serdes_are_not_supported(self) -> None:
        with self.assertRaises(TableError) as ctx:
            list(rows(table("org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe", []), obj("p", ""), []))
        self.assertEqual(ctx.exception.error_type, "NOT_SUPPORTED")


class WriteRowsTest(unittest.TestCase):
    def test_columns_and_rows_for_the_engine(self) -> None:
        t = table(OPENX, [("a", "bigint"), ("s", "struct<x:string>")])
        self.assertEqual(columns(t, ["$path"]), [
            {"name": "a", "type": "BIGINT"}, {"name": "s", "type": 'STRUCT("x" VARCHAR)'},
            {"name": "dt", "type": "VARCHAR"}, {"name": "$path", "type": "VARCHAR"},
        ])  # fmt: skip
        with tempfile.TemporaryDirectory() as work:
            path = Path(work) / "rows.ndjson"
            count = write_rows(t, [obj("a.json", '{"a": 1}\n{"a": 2}\n'), obj("b.json", '{"a": 3}')], ["$file_size"], str(path))
            written = [json.loads(line) for line in path.read_text().splitlines()]
        self.assertEqual(count, 3)
        self.assertEqual([(r["a"], r["$file_size"]) for r in written], [(1, 18), (2, 18), (3, 8)])


if __name__ == "__main__":
    unittest.main()
