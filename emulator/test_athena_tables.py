"""Tests of athena_tables.py: Glue tables, Hive types, partition projection, S3 listing and pruning.

In-process, on moto's Glue and S3 backends (no server). Run: python3 -m unittest test_athena_tables
"""

from __future__ import annotations

import unittest
import uuid
from datetime import datetime, timezone
from typing import Any

from moto.glue.models import glue_backends
from moto.s3.models import s3_backends

from athena_tables import Projection, Table, TableError, duckdb_type, java_format, load, objects

ACCOUNT, REGION = "123456789012", "us-east-1"
NOW = datetime(2026, 11, 20, 12, 30, tzinfo=timezone.utc)
HOURLY = {
    "projection.enabled": "true",
    "projection.dt.type": "date",
    "projection.dt.format": "yyyy/MM/dd/HH",
    "projection.dt.range": "2026/11/01/00,NOW",
    "projection.dt.interval": "1",
    "projection.dt.interval.unit": "HOURS",
}


def predicate(op: str, *values: str, column: str = "dt", kind: str = "varchar") -> dict[str, Any]:
    return {"column": column, "op": op, "values": [{"type": kind, "value": v} for v in values]}


class HiveTypesTest(unittest.TestCase):
    def test_glue_types_map_to_duckdb_types(self) -> None:
        self.assertEqual(duckdb_type("string"), "VARCHAR")
        self.assertEqual(duckdb_type("varchar(10)"), "VARCHAR")
        self.assertEqual(duckdb_type("bigint"), "BIGINT")
        self.assertEqual(duckdb_type("decimal(10,2)"), "DECIMAL(10,2)")
        self.assertEqual(
            duckdb_type("struct<arn:string,n:bigint,tags:array<string>,m:map<string,struct<x:int>>>"),
            'STRUCT("arn" VARCHAR, "n" BIGINT, "tags" VARCHAR[], "m" MAP(VARCHAR, STRUCT("x" INTEGER)))',
        )

    def test_an_unknown_type_is_not_supported(self) -> None:
        with self.assertRaises(TableError) as ctx:
            duckdb_type("uniontype<int,string>")
        self.assertEqual(ctx.exception.error_type, "NOT_SUPPORTED")


class ProjectionTest(unittest.TestCase):
    def test_java_date_patterns_become_strptime_formats_and_regexes(self) -> None:
        self.assertEqual(java_format("yyyy/MM/dd/HH"), ("%Y/%m/%d/%H", r"\d{4}/\d{2}/\d{2}/\d{2}"))
        self.assertEqual(java_format("yyyy-MM-dd'T'HH")[0], "%Y-%m-%dT%H")
        with self.assertRaises(TableError):
            java_format("yyyy-ww")

    def test_a_date_projection_admits_formatted_values_from_its_start_to_now(self) -> None:
        hourly = Projection("dt", HOURLY, NOW)
        self.assertTrue(hourly.admits("2026/11/01/00"))
        self.assertTrue(hourly.admits("2026/11/20/12"))
        self.assertFalse(hourly.admits("2026/11/20/13"))  # after NOW (the emulator clock)
        self.assertFalse(hourly.admits("2026/10/31/23"))
        self.assertFalse(hourly.admits("2026-11-02-00"))

    def test_a_range_relative_to_now_is_at_the_formats_resolution_and_the_other_types(self) -> None:
        recent = Projection("d", {"projection.d.type": "date", "projection.d.format": "yyyy-MM-dd",
                                  "projection.d.range": "NOW-3DAYS,NOW"}, NOW)  # fmt: skip
        self.assertEqual([recent.admits(d) for d in ("2026-11-16", "2026-11-17", "2026-11-20")], [False, True, True])
        months = Projection("d", {"projection.d.type": "date", "projection.d.format": "yyyy-MM",
                                  "projection.d.range": "NOW-1MONTHS,NOW"}, NOW)  # fmt: skip
        self.assertEqual([months.admits(d) for d in ("2026-09", "2026-10", "2026-11")], [False, True, True])
        numbers = Projection("n", {"projection.n.type": "integer", "projection.n.range": "1,10"}, NOW)
        self.assertEqual([numbers.admits(v) for v in ("0", "1", "10", "11")], [False, True, True, False])
        kinds = Projection("k", {"projection.k.type": "enum", "projection.k.values": "a, b"}, NOW)
        self.assertEqual([kinds.admits(v) for v in ("a", "b", "c")], [True, True, False])
        self.assertTrue(Projection("k", {"projection.k.type": "injected"}, NOW).admits("anything"))
        with self.assertRaises(TableError):
            Projection("k", {"projection.k.type": "geo"}, NOW)


class TablesTest(unittest.TestCase):
    def setUp(self) -> None:
        self.s3 = s3_backends[ACCOUNT]["aws"]
        self.glue = glue_backends[ACCOUNT][REGION]
        self.bucket = f"tables-{uuid.uuid4().hex[:12]}"
        self.database = f"db_{uuid.uuid4().hex[:8]}"
        self.s3.create_bucket(self.bucket, REGION)
        self.glue.create_database(self.database, {"Name": self.database})

    def put(self, *keys: str) -> None:
        for key in keys:
            self.s3.put_object(self.bucket, key, key.encode())

    def table(self, name: str, location: str, parameters: dict[str, str], keys: bool = True) -> Table:
        self.glue.create_table(self.database, name, {
            "Name": name, "Parameters": parameters,
            "PartitionKeys": [{"Name": "dt", "Type": "string"}] if keys else [],
            "StorageDescriptor": {"Location": location, "Columns": [{"Name": "A", "Type": "bigint"}],
                                  "SerdeInfo": {"SerializationLibrary": "org.openx.data.jsonserde.JsonSerDe"}},
        })  # fmt: skip
        return load(ACCOUNT, REGION, "AwsDataCatalog", self.database, name.lower(), "line 1:15")

    def keys(self, table: Table, *scans: list[dict[str, Any]]) -> list[str]:
        return [o.key for o in objects(table, [{"predicates": p} for p in scans], NOW)]

    def test_load_reads_the_glue_table_and_names_what_is_missing(self) -> None:
        table = self.table("Logs", f"s3://{self.bucket}/logs/", {"classification": "json"})
        self.assertEqual((table.columns, table.partition_keys), ([("a", "bigint")], [("dt", "string")]))
        self.assertEqual(table.serde, "org.openx.data.jsonserde.JsonSerDe")
        for catalog, database, name, error in (
            ("AwsDataCatalog", self.database, "nope",
             f"TABLE_NOT_FOUND: line 1:15: Table 'awsdatacatalog.{self.database}.nope' does not exist"),
            ("AwsDataCatalog", "nodb", "logs", "SCHEMA_NOT_FOUND: line 1:15: Schema 'nodb' does not exist"),
            ("other", self.database, "logs", "CATALOG_NOT_FOUND: line 1:15: Catalog 'other' does not exist"),
        ):  # fmt: skip
            with self.assertRaises(TableError) as ctx:
                load(ACCOUNT, REGION, catalog, database, name, "line 1:15")
            self.assertEqual(str(ctx.exception), error)

    def test_a_plain_table_reads_every_object_under_its_location_but_hidden_ones(self) -> None:
        self.put("plain/a.json", "plain/sub/b.json", "plain/_SUCCESS", "plain/.hidden", "plain/dir/", "plainer/c.json")
        table = self.table("plain", f"s3://{self.bucket}/plain", {}, keys=False)
        self.assertEqual(self.keys(table, [predicate("=", "x")]), ["plain/a.json", "plain/sub/b.json"])

    def test_projection_reads_the_template_folders_the_predicates_admit(self) -> None:
        self.put("p/2026/11/19/10/a.gz", "p/2026/11/19/10/data/b.gz", "p/2026/11/20/11/c.gz",
                 "p/2026/11/21/00/future.gz", "p/2026/10/01/00/before.gz", "p/readme.txt")  # fmt: skip
        table = self.table("hourly", f"s3://{self.bucket}/p/",
                           {**HOURLY, "storage.location.template": f"s3://{self.bucket}/p/${{dt}}/"})  # fmt: skip
        every = ["p/2026/11/19/10/a.gz", "p/2026/11/19/10/data/b.gz", "p/2026/11/20/11/c.gz"]
        self.assertEqual(self.keys(table, []), every)
        self.assertEqual(self.keys(table, [predicate(">=", "2026/11/20/00")]), ["p/2026/11/20/11/c.gz"])
        self.assertEqual(self.keys(table, [predicate("<", "2026/11/20/00")]), every[:2])
        self.assertEqual(self.keys(table, [predicate("between", "2026/11/19/00", "2026/11/19/23")]), every[:2])
        self.assertEqual(self.keys(table, [predicate("in", "2026/11/20/11", "2026/11/01/00")]), every[2:])
        self.assertEqual(self.keys(table, [predicate("<>", "2026/11/20/11")]), every[:2])
        # Two scans: the union of what each admits.
        self.assertEqual(self.keys(table, [predicate("=", "2026/11/19/10")], [predicate("=", "2026/11/20/11")]), every)
        # Not comparable (a number against a string column), or not a partition column: not pruned.
        self.assertEqual(self.keys(table, [predicate("=", "5", kind="integer")]), every)
        self.assertEqual(self.keys(table, [predicate("=", "x", column="a")]), every)

    def test_projection_without_a_template_uses_the_hive_layout(self) -> None:
        self.put("h/dt=2026-11-02/a.json", "h/dt=2026-12-02/b.json", "h/x/c.json")
        table = self.table("hive", f"s3://{self.bucket}/h", {
            "projection.enabled": "true", "projection.dt.type": "date", "projection.dt.format": "yyyy-MM-dd",
            "projection.dt.range": "2026-11-01,NOW"})  # fmt: skip
        found = objects(table, [{"predicates": []}], NOW)
        self.assertEqual([(o.key, o.partition) for o in found], [("h/dt=2026-11-02/a.json", {"dt": "2026-11-02"})])

    def test_glue_partitions_are_read_from_their_locations(self) -> None:
        self.put("g/one/a.json", "g/two/b.json", "g/three/c.json")
        table = self.table("parted", f"s3://{self.bucket}/g/", {})
        for value in ("one", "two"):
            self.glue.create_partition(self.database, "parted", {
                "Values": [value], "StorageDescriptor": {"Location": f"s3://{self.bucket}/g/{value}"}})  # fmt: skip
        table = load(ACCOUNT, REGION, "awsdatacatalog", self.database, "parted", "line 1:1")
        self.assertEqual(self.keys(table, [predicate("=", "two")]), ["g/two/b.json"])
        self.assertEqual(self.keys(table, []), ["g/one/a.json", "g/two/b.json"])

    def test_a_table_in_a_missing_bucket_cannot_be_read(self) -> None:
        table = self.table("gone", "s3://no-such-bucket-here/x/", {}, keys=False)
        with self.assertRaises(TableError) as ctx:
            objects(table, [{"predicates": []}], NOW)
        self.assertEqual(ctx.exception.error_type, "HIVE_FILESYSTEM_ERROR")


if __name__ == "__main__":
    unittest.main()
