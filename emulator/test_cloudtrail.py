"""Tests of the AWS CloudTrail extensions (ext_cloudtrail.py): trails by ARN, AWS's errors,
the home region.

Run: python3 -m unittest test_cloudtrail (in emulator/), or every module: npm run test:emulator
"""

from __future__ import annotations

import unittest
from testing_support import ACCOUNT, REGION, EmulatorTestCase, client


class CloudTrailTest(EmulatorTestCase):
    def setUp(self) -> None:
        super().setUp()
        client("s3").create_bucket(Bucket="trail-logs")
        self.cloudtrail = client("cloudtrail")
        self.arn = self.cloudtrail.create_trail(Name="audit", S3BucketName="trail-logs", IsMultiRegionTrail=True)["TrailARN"]

    def test_start_stop_and_status_by_arn(self) -> None:
        self.cloudtrail.start_logging(Name=self.arn)
        self.assertTrue(self.cloudtrail.get_trail_status(Name=self.arn)["IsLogging"])
        self.cloudtrail.stop_logging(Name=self.arn)
        self.assertFalse(self.cloudtrail.get_trail_status(Name="audit")["IsLogging"])

    def test_delete_by_arn_removes_the_trail(self) -> None:
        self.cloudtrail.delete_trail(Name=self.arn)
        self.assertError("TrailNotFoundException", self.cloudtrail.get_trail, Name="audit")
        self.assertError("TrailNotFoundException", self.cloudtrail.delete_trail, Name=self.arn)

    def test_unknown_trail_raises_trail_not_found(self) -> None:
        unknown = f"arn:aws:cloudtrail:{REGION}:{ACCOUNT}:trail/nope"
        for call in (self.cloudtrail.start_logging, self.cloudtrail.stop_logging, self.cloudtrail.delete_trail):
            with self.subTest(call=call.__name__):
                self.assertError("TrailNotFoundException", call, Name=unknown)

    def test_duplicate_trail_raises_already_exists(self) -> None:
        self.assertError("TrailAlreadyExistsException", self.cloudtrail.create_trail, Name="audit", S3BucketName="trail-logs")

    def test_describe_trails_filters_by_name_or_arn(self) -> None:
        other = self.cloudtrail.create_trail(Name="other", S3BucketName="trail-logs")["TrailARN"]
        by_arn = self.cloudtrail.describe_trails(trailNameList=[self.arn])["trailList"]
        self.assertEqual([t["TrailARN"] for t in by_arn], [self.arn])
        by_name = self.cloudtrail.describe_trails(trailNameList=["other"])["trailList"]
        self.assertEqual([t["TrailARN"] for t in by_name], [other])
        self.assertEqual(self.cloudtrail.describe_trails(trailNameList=["nope"])["trailList"], [])
        everything = self.cloudtrail.describe_trails()["trailList"]
        self.assertEqual(sorted(t["Name"] for t in everything), ["audit", "other"])

    def test_start_logging_outside_home_region_raises_invalid_home_region(self) -> None:
        west = client("cloudtrail", region="us-west-2")
        self.assertFalse(west.get_trail_status(Name=self.arn)["IsLogging"])
        self.assertError("InvalidHomeRegionException", west.start_logging, Name=self.arn)


if __name__ == "__main__":
    unittest.main()
