"""Tests of filter_pattern.py, the CloudWatch Logs filter patterns of subscription filters.

Run: python3 -m unittest test_filter_pattern (in emulator/), or every module: npm run test:emulator
"""

from __future__ import annotations

import json
import unittest

from filter_pattern import compile_pattern

RECORD = json.dumps(
    {
        "schemaType": "ModelInvocationLog",
        "operation": "InvokeModel",
        "identity": {"arn": "arn:aws:sts::123456789012:assumed-role/acme-developer/jane"},
        "input": {"inputTokenCount": 120, "cacheReadInputTokenCount": 0},
        "output": {"outputTokenCount": 9},
        "models": [{"id": "sonnet"}, {"id": "haiku"}],
        "streamed": False,
        "guardrail": None,
    }
)


class FilterPatternTest(unittest.TestCase):
    def assertMatches(self, pattern: str, message: str = RECORD, expected: bool = True) -> None:
        self.assertEqual(compile_pattern(pattern).matches(message), expected, f"{pattern} on {message}")

    def test_empty_pattern_matches_everything(self) -> None:
        for pattern in ("", "   ", None):
            self.assertTrue(compile_pattern(pattern).matches("anything"))

    def test_json_string_equality_wildcards_and_inequality(self) -> None:
        self.assertMatches('{ $.schemaType = "ModelInvocationLog" }')
        self.assertMatches('{ $.schemaType = "Other" }', expected=False)
        self.assertMatches("{ $.operation = Invoke* }")
        self.assertMatches('{ $.identity.arn = "*:assumed-role/acme-developer/*" }')
        self.assertMatches('{ $.operation != "Converse" }')
        self.assertMatches('{ $.operation != "Invoke*" }', expected=False)
        self.assertMatches("{ $.operation = %^Inv.*Model$% }")

    def test_json_numbers_arrays_and_keywords(self) -> None:
        self.assertMatches("{ $.input.inputTokenCount > 100 }")
        self.assertMatches("{ $.input.inputTokenCount <= 100 }", expected=False)
        self.assertMatches("{ $.input.cacheReadInputTokenCount = 0 }")
        self.assertMatches("{ $.output.outputTokenCount >= 9.0 }")
        self.assertMatches('{ $.models[1].id = "haiku" }')
        self.assertMatches('{ $.models[2].id = "haiku" }', expected=False)
        self.assertMatches("{ $.streamed IS FALSE }")
        self.assertMatches("{ $.streamed IS TRUE }", expected=False)
        self.assertMatches("{ $.guardrail IS NULL }")
        self.assertMatches("{ $.missing NOT EXISTS }")
        self.assertMatches("{ $.output EXISTS }")

    def test_absent_selectors_and_other_types_match_no_comparison(self) -> None:
        self.assertMatches('{ $.missing != "x" }', expected=False)
        self.assertMatches("{ $.missing < 5 }", expected=False)
        self.assertMatches('{ $.input.inputTokenCount = "120" }', expected=False)
        self.assertMatches("{ $.operation > 1 }", expected=False)

    def test_and_binds_tighter_than_or_and_parentheses_group(self) -> None:
        self.assertMatches('{ $.operation = "Converse" && $.streamed IS FALSE || $.output.outputTokenCount = 9 }')
        self.assertMatches('{ $.operation = "Converse" && ($.streamed IS FALSE || $.output.outputTokenCount = 9) }', expected=False)
        self.assertMatches('{ ($.operation = "InvokeModel") && ($.input.inputTokenCount > 1) }')

    def test_json_patterns_do_not_match_plain_text(self) -> None:
        self.assertMatches('{ $.schemaType = "ModelInvocationLog" }', "ModelInvocationLog", expected=False)
        self.assertMatches('{ $.a = "b" }', '"just a string"', expected=False)

    def test_terms(self) -> None:
        self.assertMatches("ERROR", "an ERROR happened")
        self.assertMatches("ERROR", "an error happened", expected=False)
        self.assertMatches("ERROR disk", "ERROR: disk full")
        self.assertMatches("ERROR disk", "ERROR: memory", expected=False)
        self.assertMatches('"disk full"', "ERROR: disk full")
        self.assertMatches('"disk full"', "full disk", expected=False)
        self.assertMatches("ERROR -DEBUG", "ERROR DEBUG", expected=False)
        self.assertMatches("?ERROR ?WARN", "WARN low disk")
        self.assertMatches("?ERROR ?WARN", "INFO", expected=False)
        self.assertMatches("%[0-9]{3} ms%", "took 250 ms")

    def test_unsupported_or_invalid_patterns_raise(self) -> None:
        for pattern in (
            "[ip, user, timestamp]",
            "{ $.a = }",
            "{ $.a = 1",
            '{ $.a > "text" }',
            "{ $.a IS MAYBE }",
            "{ $.a NOT THERE }",
            "{ $.a = TRUE }",
            "{ a = 1 }",
            "{ }",
            '{ $.a = "x" && }',
            '{ ($.a = "x" }',
        ):
            with self.subTest(pattern=pattern), self.assertRaises(ValueError):
                compile_pattern(pattern)


if __name__ == "__main__":
    unittest.main()
