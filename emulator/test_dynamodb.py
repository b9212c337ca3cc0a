"""Tests of the DynamoDB fixes (ext_dynamodb.py: numbers as DynamoDB stores them) and of the moto
DynamoDB behaviour the spend-cap enforcer relies on (transactions, conditional updates, TTL).

Run: python3 -m unittest test_dynamodb (in emulator/), or every module: npm run test:emulator
"""

from __future__ import annotations

import unittest
from typing import Any

from testing_support import EmulatorTestCase, client

TABLE = "usage"
JANE = {"pk": {"S": "jane"}, "sk": {"S": "2027-01"}}


class DynamoDbTestCase(EmulatorTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.ddb = client("dynamodb")
        self.ddb.create_table(
            TableName=TABLE,
            AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}, {"AttributeName": "sk", "AttributeType": "S"}],
            KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}],
            BillingMode="PAY_PER_REQUEST",
        )

    def add(self, key: dict[str, Any], expression: str, values: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
        return self.ddb.update_item(
            TableName=TABLE,
            Key=key,
            UpdateExpression=expression,
            ExpressionAttributeValues=values,
            ReturnValues="ALL_NEW",
            **kwargs,
        )["Attributes"]


class NumberTest(DynamoDbTestCase):
    def test_numbers_are_answered_in_dynamodbs_canonical_form(self) -> None:
        cases = {"1.50": "1.5", "3.0": "3", "1.5E2": "150", "1e-7": "0.0000001", "-0": "0", "007": "7", "-0.0100": "-0.01"}
        for sent, stored in cases.items():
            with self.subTest(sent=sent):
                self.ddb.put_item(TableName=TABLE, Item={**JANE, "n": {"N": sent}, "ns": {"NS": [sent, "2"]}})
                item = self.ddb.get_item(TableName=TABLE, Key=JANE)["Item"]
                self.assertEqual(item["n"], {"N": stored})
                self.assertCountEqual(item["ns"]["NS"], [stored, "2"])

    def test_add_and_set_arithmetic_is_exact(self) -> None:
        values = ("0.000123", "0.000456", "1e-7", "0.1", "0.2")
        for value in values:
            spent = self.add(JANE, "ADD spent :c", {":c": {"N": value}})["spent"]
        self.assertEqual(spent, {"N": "0.3005791"})
        self.ddb.put_item(TableName=TABLE, Item={**JANE, "x": {"N": "0.3"}})
        self.assertEqual(self.add(JANE, "SET x = x - :d", {":d": {"N": "0.1"}})["x"], {"N": "0.2"})
        self.assertEqual(self.add(JANE, "SET x = x + :d", {":d": {"N": "1.5"}})["x"], {"N": "1.7"})

    def test_numbers_dynamodb_refuses(self) -> None:
        cases = {
            "abc": "The parameter cannot be converted to a numeric value: abc",
            "1" * 39: "Attempting to store more than 38 significant digits in a Number",
            "1E126": "Number overflow. Attempting to store a number with magnitude larger than supported range",
            "1E-131": "Number underflow. Attempting to store a number with magnitude smaller than supported range",
            "NaN": "The parameter cannot be converted to a numeric value: NaN",
            "Infinity": "The parameter cannot be converted to a numeric value: Infinity",
        }
        for sent, message in cases.items():
            with self.subTest(sent=sent):
                err = self.assertError("ValidationException", self.ddb.put_item, TableName=TABLE, Item={**JANE, "n": {"N": sent}})
                self.assertEqual(err.response["Error"]["Message"], message)
        self.ddb.put_item(TableName=TABLE, Item={**JANE, "n": {"N": "1" * 38}})
        self.assertError("ValidationException", self.add, JANE, "ADD s :c", {":c": {"S": "x"}})


class EnforcerOperationsTest(DynamoDbTestCase):
    """What the enforcer sends, answered as DynamoDB answers it."""

    def test_add_with_all_new_returns_the_running_total(self) -> None:
        self.assertEqual(self.add(JANE, "ADD spent :c", {":c": {"N": "1.5"}}), {**JANE, "spent": {"N": "1.5"}})
        self.assertEqual(self.add(JANE, "ADD spent :c", {":c": {"N": "1.5"}})["spent"], {"N": "3"})

    def test_conditional_add_to_a_string_set_is_idempotent_per_request_id(self) -> None:
        expression = "ADD spent :c, requestIds :ids"
        condition = "attribute_not_exists(requestIds) OR NOT contains(requestIds, :id)"

        def count(request_id: str) -> dict[str, Any]:
            return self.add(
                JANE,
                expression,
                {":c": {"N": "2"}, ":ids": {"SS": [request_id]}, ":id": {"S": request_id}},
                ConditionExpression=condition,
            )

        count("r-1")
        self.assertEqual(count("r-2")["requestIds"]["SS"], ["r-1", "r-2"])
        err = self.assertError("ConditionalCheckFailedException", count, "r-1")
        self.assertEqual(err.response["Error"]["Message"], "The conditional request failed")
        self.assertEqual(self.ddb.get_item(TableName=TABLE, Key=JANE)["Item"]["spent"], {"N": "4"})

    def test_a_failed_condition_cancels_the_transaction_with_positional_reasons(self) -> None:
        marker = {"pk": {"S": "request#r-1"}, "sk": {"S": "-"}}
        items = [
            {"Update": {"TableName": TABLE, "Key": JANE, "UpdateExpression": "ADD spent :c", "ExpressionAttributeValues": {":c": {"N": "1"}}}},
            {"Put": {"TableName": TABLE, "Item": marker, "ConditionExpression": "attribute_not_exists(pk)"}},
        ]
        self.ddb.transact_write_items(TransactItems=items)
        err = self.assertError("TransactionCanceledException", self.ddb.transact_write_items, TransactItems=items)
        self.assertEqual(err.response["ResponseMetadata"]["HTTPStatusCode"], 400)
        self.assertEqual(
            err.response["CancellationReasons"],
            [{"Code": "None"}, {"Code": "ConditionalCheckFailed", "Message": "The conditional request failed"}],
        )
        self.assertIn("[None, ConditionalCheckFailed]", err.response["Error"]["Message"])
        self.assertEqual(self.ddb.get_item(TableName=TABLE, Key=JANE)["Item"]["spent"], {"N": "1"})  # nothing applied

    def test_cancellation_reasons_carry_the_item_when_asked(self) -> None:
        self.ddb.put_item(TableName=TABLE, Item={**JANE, "blocked": {"BOOL": True}})
        items = [
            {
                "Update": {
                    "TableName": TABLE,
                    "Key": JANE,
                    "UpdateExpression": "SET blocked = :t",
                    "ConditionExpression": "blocked = :f",
                    "ExpressionAttributeValues": {":t": {"BOOL": True}, ":f": {"BOOL": False}},
                    "ReturnValuesOnConditionCheckFailure": "ALL_OLD",
                }
            }
        ]
        err = self.assertError("TransactionCanceledException", self.ddb.transact_write_items, TransactItems=items)
        [reason] = err.response["CancellationReasons"]
        self.assertEqual((reason["Code"], reason["Item"]["blocked"]), ("ConditionalCheckFailed", {"BOOL": True}))

    def test_query_and_scan(self) -> None:
        for user, period in (("jane", "2027-01"), ("jane", "2027-02"), ("bob", "2027-01")):
            self.ddb.put_item(TableName=TABLE, Item={"pk": {"S": user}, "sk": {"S": period}, "spent": {"N": "1"}})
        found = self.ddb.query(
            TableName=TABLE,
            KeyConditionExpression="pk = :u AND begins_with(sk, :y)",
            ExpressionAttributeValues={":u": {"S": "jane"}, ":y": {"S": "2027-"}},
            ScanIndexForward=False,
        )["Items"]
        self.assertEqual([i["sk"]["S"] for i in found], ["2027-02", "2027-01"])
        scanned = self.ddb.scan(TableName=TABLE, FilterExpression="sk = :p", ExpressionAttributeValues={":p": {"S": "2027-01"}})
        self.assertEqual(sorted(i["pk"]["S"] for i in scanned["Items"]), ["bob", "jane"])
        page = self.ddb.scan(TableName=TABLE, Limit=2)
        rest = self.ddb.scan(TableName=TABLE, ExclusiveStartKey=page["LastEvaluatedKey"])
        self.assertEqual(len(page["Items"]) + len(rest["Items"]), 3)

    def test_time_to_live_configuration(self) -> None:
        self.ddb.update_time_to_live(TableName=TABLE, TimeToLiveSpecification={"Enabled": True, "AttributeName": "expiresAt"})
        self.assertEqual(
            self.ddb.describe_time_to_live(TableName=TABLE)["TimeToLiveDescription"],
            {"TimeToLiveStatus": "ENABLED", "AttributeName": "expiresAt"},
        )


if __name__ == "__main__":
    unittest.main()
