"""Tests of athena_engine.py, the client of the Athena engine process (athena_engine.mjs).

In-process (no server). Run: python3 -m unittest test_athena_engine
"""

from __future__ import annotations

import json
import os
import signal
import tempfile
import unittest
from datetime import datetime, timezone
from pathlib import Path

import athena_engine

NOW = datetime(2026, 11, 20, 12, 30, tzinfo=timezone.utc)


class AthenaEngineTest(unittest.TestCase):
    def tearDown(self) -> None:
        athena_engine.close()

    def test_the_engine_starts_on_the_first_query_and_stops_on_close(self) -> None:
        athena_engine.close()
        self.assertIsNone(athena_engine.child_pid())
        planned = athena_engine.plan("SELECT ? AS n", ["7"], NOW, "awsdatacatalog", "db")
        self.assertEqual((planned["sql"], planned["scans"]), ("SELECT 7 AS n", []))
        self.assertIsNotNone(athena_engine.child_pid())
        athena_engine.close()
        self.assertIsNone(athena_engine.child_pid())

    def test_run_reads_the_table_files_and_answers_texts(self) -> None:
        with tempfile.TemporaryDirectory() as work:
            rows = Path(work) / "t.ndjson"
            rows.write_text("\n".join(json.dumps({"a": n, "dt": "2026/11/20/10"}) for n in (1, 2, 3)) + "\n")
            table = {"database": "db", "table": "t", "file": str(rows),
                     "columns": [{"name": "a", "type": "BIGINT"}, {"name": "dt", "type": "VARCHAR"}]}  # fmt: skip
            result = athena_engine.run(
                "SELECT sum(a) AS total, max(dt) AS dt, current_timestamp AS now FROM t", NOW, "awsdatacatalog", "db", [table]
            )
        self.assertEqual([c["type"] for c in result["columns"]], ["bigint", "varchar", "timestamp with time zone"])
        self.assertEqual(result["rows"], [["6", "2026/11/20/10", "2026-11-20 12:30:00.000 UTC"]])

    def test_a_query_error_raises_query_failed_with_athenas_type(self) -> None:
        with self.assertRaises(athena_engine.QueryFailed) as ctx:
            athena_engine.run("SELECT nope", NOW, "awsdatacatalog", "db", [])
        self.assertEqual(ctx.exception.error_type, "COLUMN_NOT_FOUND")
        self.assertEqual(str(ctx.exception), "COLUMN_NOT_FOUND: line 1:8: Column 'nope' cannot be resolved")
        with self.assertRaises(athena_engine.QueryFailed) as ctx:
            athena_engine.plan("SELECT ?", None, NOW, "awsdatacatalog", "db")
        self.assertEqual(ctx.exception.error_type, "INVALID_PARAMETER_USAGE")

    def test_a_dead_engine_is_restarted_by_the_next_query(self) -> None:
        athena_engine.plan("SELECT 1", None, NOW, "awsdatacatalog", "db")
        pid = athena_engine.child_pid()
        assert pid is not None
        os.kill(pid, signal.SIGKILL)
        self.assertEqual(athena_engine.plan("SELECT 2", None, NOW, "awsdatacatalog", "db")["sql"], "SELECT 2")
        self.assertNotEqual(athena_engine.child_pid(), pid)


if __name__ == "__main__":
    unittest.main()
