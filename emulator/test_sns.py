"""Tests of the moto 5.2.1 SNS behaviour the spend-cap enforcer relies on (no extension: moto as
shipped): Publish to a topic encrypted with a KMS key.

Run: python3 -m unittest test_sns (in emulator/), or every module: npm run test:emulator
"""

from __future__ import annotations

import unittest

from testing_support import ACCOUNT, REGION, EmulatorTestCase, client


class PublishTest(EmulatorTestCase):
    def test_publish_to_a_kms_encrypted_topic(self) -> None:
        key = client("kms").create_key(Description="alerts")["KeyMetadata"]["Arn"]
        sns = client("sns")
        topic = sns.create_topic(Name="acme-alerts", Attributes={"KmsMasterKeyId": key})["TopicArn"]
        self.assertEqual(topic, f"arn:aws:sns:{REGION}:{ACCOUNT}:acme-alerts")
        self.assertEqual(sns.get_topic_attributes(TopicArn=topic)["Attributes"]["KmsMasterKeyId"], key)
        answer = sns.publish(
            TopicArn=topic,
            Subject="jane reached 80% of her monthly cap",
            Message='{"user": "jane", "spentUsd": 4.0, "capUsd": 5}',
            MessageAttributes={"threshold": {"DataType": "Number", "StringValue": "80"}},
        )
        self.assertRegex(answer["MessageId"], r"^[0-9a-f-]{36}$")

    def test_publish_to_an_unknown_topic_is_not_found(self) -> None:
        self.assertError(
            "NotFound", client("sns").publish, TopicArn=f"arn:aws:sns:{REGION}:{ACCOUNT}:missing", Message="x"
        )

    def test_a_subject_longer_than_100_characters_is_refused(self) -> None:
        sns = client("sns")
        topic = sns.create_topic(Name="acme-alerts")["TopicArn"]
        self.assertError("InvalidParameter", sns.publish, TopicArn=topic, Subject="x" * 101, Message="x")


if __name__ == "__main__":
    unittest.main()
