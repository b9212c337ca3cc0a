"""Tests of ext_s3.py (S3 lifecycle configuration, conditional writes), through boto3 against a
real server.

Run: python3 -m unittest test_s3 (in emulator/), or every module: npm run test:emulator

Every test case starts from moto's initial state on the shared server
(testing_support.EmulatorTestCase). The expected
answers are S3's (API reference of PutBucketLifecycleConfiguration and
GetBucketLifecycleConfiguration): the Terraform provider re-reads the
configuration after every Put until it equals what it wrote, so anything the
emulator drops, adds or changes makes `terraform apply` hang for 3 minutes and
fail.
"""

from __future__ import annotations

import threading
import unittest
from typing import Any

from botocore.exceptions import ClientError

from testing_support import EmulatorTestCase, client

HEADER = "x-amz-transition-default-minimum-object-size"

# The rules of packages/logging/src/hardened-bucket.ts as the provider sends them: `filter {}`
# becomes `Filter {Prefix: ""}`.
HARDENED_RULES: list[dict[str, Any]] = [
    {
        "ID": "transition-to-standard-ia",
        "Status": "Enabled",
        "Filter": {"Prefix": ""},
        "Transitions": [{"Days": 90, "StorageClass": "STANDARD_IA"}],
    },
    {"ID": "expire-current-versions", "Status": "Enabled", "Filter": {"Prefix": ""}, "Expiration": {"Days": 365}},
    {
        "ID": "expire-noncurrent-versions",
        "Status": "Enabled",
        "Filter": {"Prefix": ""},
        "NoncurrentVersionExpiration": {"NoncurrentDays": 30},
    },
    {
        "ID": "abort-incomplete-multipart-uploads",
        "Status": "Enabled",
        "Filter": {"Prefix": ""},
        "AbortIncompleteMultipartUpload": {"DaysAfterInitiation": 7},
    },
]

# The rules of packages/attribution/src/results-bucket.ts.
RESULTS_RULES: list[dict[str, Any]] = [
    {"ID": "expire-query-results", "Status": "Enabled", "Filter": {"Prefix": "results/"}, "Expiration": {"Days": 30}},
    {
        "ID": "expire-noncurrent-versions",
        "Status": "Enabled",
        "Filter": {"Prefix": ""},
        "NoncurrentVersionExpiration": {"NoncurrentDays": 7},
    },
    {
        "ID": "abort-incomplete-multipart-uploads",
        "Status": "Enabled",
        "Filter": {"Prefix": ""},
        "AbortIncompleteMultipartUpload": {"DaysAfterInitiation": 1},
    },
]

class S3LifecycleTest(EmulatorTestCase):
    bucket = "lifecycle-test"

    def setUp(self) -> None:
        super().setUp()
        self.s3 = client("s3", s3={"addressing_style": "path"})
        self.s3.create_bucket(Bucket=self.bucket)
        self.s3.put_bucket_versioning(Bucket=self.bucket, VersioningConfiguration={"Status": "Enabled"})

    def put(self, rules: list[dict[str, Any]], **kwargs: Any) -> dict[str, Any]:
        return self.s3.put_bucket_lifecycle_configuration(
            Bucket=self.bucket, LifecycleConfiguration={"Rules": rules}, **kwargs
        )

    def get(self) -> dict[str, Any]:
        return self.s3.get_bucket_lifecycle_configuration(Bucket=self.bucket)

    def assertRoundTrip(self, rules: list[dict[str, Any]], size: str | None = None) -> dict[str, Any]:
        """Put then Get: the rules and the minimum-object-size come back exactly as written."""
        kwargs = {"TransitionDefaultMinimumObjectSize": size} if size else {}
        put = self.put(rules, **kwargs)
        expected_size = size or "all_storage_classes_128K"
        self.assertEqual(put["ResponseMetadata"]["HTTPStatusCode"], 200)
        got = self.get()
        self.assertEqual(got["ResponseMetadata"]["HTTPHeaders"].get(HEADER), expected_size)
        self.assertEqual(got["TransitionDefaultMinimumObjectSize"], expected_size)
        self.assertEqual(got["Rules"], rules)
        return got

    # ---- the rule forms the stack uses

    def test_hardened_bucket_rules_round_trip_with_the_default_size_header(self) -> None:
        self.assertRoundTrip(HARDENED_RULES, "all_storage_classes_128K")

    def test_results_bucket_rules_round_trip(self) -> None:
        self.assertRoundTrip(RESULTS_RULES, "all_storage_classes_128K")

    def test_put_without_the_header_reads_back_s3s_default(self) -> None:
        self.assertRoundTrip(HARDENED_RULES)

    def test_every_get_answers_the_same(self) -> None:
        # The provider needs ten consecutive equal reads.
        self.put(HARDENED_RULES, TransitionDefaultMinimumObjectSize="all_storage_classes_128K")
        first = self.get()
        for _ in range(9):
            again = self.get()
            self.assertEqual(again["Rules"], first["Rules"])
            self.assertEqual(again["TransitionDefaultMinimumObjectSize"], first["TransitionDefaultMinimumObjectSize"])

    def test_empty_filter_and_legacy_prefix_forms_round_trip(self) -> None:
        self.assertRoundTrip(
            [
                {"ID": "empty-filter", "Status": "Enabled", "Filter": {}, "Expiration": {"Days": 10}},
                {"ID": "legacy-prefix", "Status": "Disabled", "Prefix": "logs/", "Expiration": {"Days": 20}},
                {
                    "ID": "tag",
                    "Status": "Enabled",
                    "Filter": {"Tag": {"Key": "tier", "Value": "cold"}},
                    "Transitions": [{"Days": 30, "StorageClass": "GLACIER"}],
                    "NoncurrentVersionTransitions": [{"NoncurrentDays": 30, "StorageClass": "GLACIER"}],
                },
                {
                    "ID": "delete-markers",
                    "Status": "Enabled",
                    "Filter": {"Prefix": ""},
                    "Expiration": {"ExpiredObjectDeleteMarker": True},
                },
            ]
        )

    # ---- moto 5.2.1 got these wrong

    def test_put_answers_the_size_header(self) -> None:
        # S3 answers PutBucketLifecycleConfiguration with the header; moto answered without it.
        for size in ("all_storage_classes_128K", "varies_by_storage_class"):
            put = self.put(HARDENED_RULES, TransitionDefaultMinimumObjectSize=size)
            self.assertEqual(put["ResponseMetadata"]["HTTPHeaders"].get(HEADER), size)
            self.assertEqual(put["TransitionDefaultMinimumObjectSize"], size)
        put = self.put(HARDENED_RULES)
        self.assertEqual(put["TransitionDefaultMinimumObjectSize"], "all_storage_classes_128K")

    def test_varies_by_storage_class_is_stored_and_echoed(self) -> None:
        # moto ignored the request header and always answered all_storage_classes_128K.
        self.assertRoundTrip(HARDENED_RULES, "varies_by_storage_class")
        self.put(HARDENED_RULES)  # a later Put without the header goes back to the default
        self.assertEqual(self.get()["TransitionDefaultMinimumObjectSize"], "all_storage_classes_128K")

    def test_object_size_filters_are_kept(self) -> None:
        # moto dropped them: a size-filtered rule read back as `Filter {}` (every object).
        self.assertRoundTrip(
            [
                {
                    "ID": "large",
                    "Status": "Enabled",
                    "Filter": {"ObjectSizeGreaterThan": 1048576},
                    "Expiration": {"Days": 5},
                },
                {"ID": "small", "Status": "Enabled", "Filter": {"ObjectSizeLessThan": 1024}, "Expiration": {"Days": 6}},
                {
                    "ID": "range",
                    "Status": "Enabled",
                    "Filter": {
                        "And": {
                            "Prefix": "results/",
                            "Tags": [{"Key": "team", "Value": "ml"}],
                            "ObjectSizeGreaterThan": 100,
                            "ObjectSizeLessThan": 200,
                        }
                    },
                    "Transitions": [{"Days": 30, "StorageClass": "STANDARD_IA"}],
                },
            ]
        )

    def test_newer_noncurrent_versions_is_kept(self) -> None:
        self.assertRoundTrip(
            [
                {
                    "ID": "keep-three",
                    "Status": "Enabled",
                    "Filter": {"Prefix": ""},
                    "NoncurrentVersionExpiration": {"NoncurrentDays": 30, "NewerNoncurrentVersions": 3},
                }
            ]
        )

    # ---- errors

    def test_invalid_size_value_is_rejected(self) -> None:
        self.assertError(
            "InvalidArgument", self.put, HARDENED_RULES, TransitionDefaultMinimumObjectSize="all_storage_classes_64K"
        )
        self.assertError("NoSuchLifecycleConfiguration", self.get)

    def test_filter_with_two_members_is_malformed_and_keeps_the_previous_configuration(self) -> None:
        self.put(RESULTS_RULES)
        bad = [
            HARDENED_RULES[0],
            {
                "ID": "two-members",
                "Status": "Enabled",
                "Filter": {"Prefix": "a/", "ObjectSizeGreaterThan": 10},
                "Expiration": {"Days": 1},
            },
        ]
        self.assertError("MalformedXML", self.put, bad)
        self.assertEqual(self.get()["Rules"], RESULTS_RULES)

    def test_delete_then_get_is_no_such_lifecycle_configuration(self) -> None:
        self.put(HARDENED_RULES)
        self.s3.delete_bucket_lifecycle(Bucket=self.bucket)
        self.assertError("NoSuchLifecycleConfiguration", self.get)


class ConditionalWriteTest(EmulatorTestCase):
    """PutObject with If-None-Match as the S3 API reference describes it, in the sequence the
    Terraform S3 backend's native lock (``use_lockfile``) uses: create ``<key>.tflock`` only if
    absent, read it, delete it."""

    bucket = "state-lock-test"
    lock = "env/terraform.tfstate.tflock"

    def setUp(self) -> None:
        super().setUp()
        self.s3 = client("s3", s3={"addressing_style": "path"})
        self.s3.create_bucket(Bucket=self.bucket)
        self.s3.put_bucket_versioning(Bucket=self.bucket, VersioningConfiguration={"Status": "Enabled"})

    def take(self, body: bytes) -> dict[str, Any]:
        return self.s3.put_object(Bucket=self.bucket, Key=self.lock, Body=body, IfNoneMatch="*")

    def test_a_held_lock_is_precondition_failed_and_free_again_once_deleted(self) -> None:
        self.assertEqual(self.take(b'{"ID":"first"}')["ResponseMetadata"]["HTTPStatusCode"], 200)
        err = self.assertError("PreconditionFailed", self.take, b'{"ID":"second"}')
        self.assertEqual(err.response["ResponseMetadata"]["HTTPStatusCode"], 412)
        # The holder's lock is untouched; the loser reads it to report who holds the lock.
        self.assertEqual(self.s3.get_object(Bucket=self.bucket, Key=self.lock)["Body"].read(), b'{"ID":"first"}')
        self.s3.delete_object(Bucket=self.bucket, Key=self.lock)
        # In a versioned bucket the current version is now a delete marker: the key is free.
        self.assertEqual(self.take(b'{"ID":"second"}')["ResponseMetadata"]["HTTPStatusCode"], 200)
        versions = self.s3.list_object_versions(Bucket=self.bucket, Prefix=self.lock)
        self.assertEqual(len(versions["Versions"]), 2)
        self.assertEqual(len(versions["DeleteMarkers"]), 1)

    def test_only_one_of_concurrent_creates_wins(self) -> None:
        outcomes: list[str] = []

        def contend(i: int) -> None:
            s3 = client("s3", s3={"addressing_style": "path"})
            try:
                s3.put_object(Bucket=self.bucket, Key=self.lock, Body=str(i).encode(), IfNoneMatch="*")
                outcomes.append("ok")
            except ClientError as err:
                outcomes.append(err.response["Error"]["Code"])

        for _ in range(5):
            self.s3.delete_object(Bucket=self.bucket, Key=self.lock)
            outcomes.clear()
            threads = [threading.Thread(target=contend, args=(i,)) for i in range(8)]
            for t in threads:
                t.start()
            for t in threads:
                t.join()
            self.assertEqual(sorted(outcomes), ["PreconditionFailed"] * 7 + ["ok"])

    def test_if_none_match_takes_only_the_asterisk(self) -> None:
        etag = self.take(b"x")["ETag"]
        for value in (etag, '"0123456789abcdef0123456789abcdef"'):
            err = self.assertError(
                "NotImplemented", self.s3.put_object, Bucket=self.bucket, Key="other", Body=b"y", IfNoneMatch=value
            )
            self.assertEqual(err.response["ResponseMetadata"]["HTTPStatusCode"], 501)
            self.assertEqual(err.response["Error"]["Header"], "If-None-Match")
        self.assertError("NoSuchKey", self.s3.get_object, Bucket=self.bucket, Key="other")

    def test_unconditional_writes_and_if_match_are_unchanged(self) -> None:
        first = self.s3.put_object(Bucket=self.bucket, Key="state", Body=b"1")["ETag"]
        self.s3.put_object(Bucket=self.bucket, Key="state", Body=b"2")
        self.assertError(
            "PreconditionFailed", self.s3.put_object, Bucket=self.bucket, Key="state", Body=b"3", IfMatch=first
        )
        current = self.s3.head_object(Bucket=self.bucket, Key="state")["ETag"]
        self.s3.put_object(Bucket=self.bucket, Key="state", Body=b"3", IfMatch=current)
        self.assertEqual(self.s3.get_object(Bucket=self.bucket, Key="state")["Body"].read(), b"3")


if __name__ == "__main__":
    unittest.main()
