"""Amazon DynamoDB fixes for moto 5.2.1: numbers as DynamoDB stores them.

DynamoDB keeps a number (``N``, and each member of ``NS``) as a decimal of up to 38 significant
digits and answers it in a canonical plain form: no exponent, no leading or trailing zeros, ``-0``
as ``0`` (``"1.50"`` → ``"1.5"``, ``"1.5E2"`` → ``"150"``, ``"1e-7"`` → ``"0.0000001"``). moto 5.2.1
stored the text as sent, so ``1.5 + 1.5`` answered ``"3.0"``; parsed numbers with an exponent as
integers, so ``ADD`` of ``1e-7`` (what JavaScript's ``String(0.0000001)`` and so the AWS SDK for
JavaScript send) failed with a 500; and subtracted through ``float`` (``0.3 - 0.1`` =
``0.19999999999999998``). Here every number is normalized where moto builds its values
(``DynamoType``), addition and subtraction are exact decimals, and numbers DynamoDB refuses are
``ValidationException`` with DynamoDB's messages (not a number; more than 38 significant digits;
magnitude above 9.9999999999999999999999999999999999999E+125 or below 1E-130).
"""

from __future__ import annotations

from decimal import Context, Decimal, InvalidOperation
from typing import Any

from moto.dynamodb.exceptions import IncorrectDataType, MockValidationException
from moto.dynamodb.models.dynamo_type import DynamoType

from ext_common import extend_init, patch

MAX_DIGITS = 38
_WIDE = Context(prec=200)
_LARGEST = Decimal("1E+126")
_SMALLEST = Decimal("1E-130")


def normalize(text: Any) -> str:
    """DynamoDB's canonical text of a number; MockValidationException when DynamoDB refuses it."""
    try:
        number = _WIDE.create_decimal(str(text).strip())
    except InvalidOperation:
        number = None
    if number is None or not number.is_finite():
        raise MockValidationException(f"The parameter cannot be converted to a numeric value: {text}")
    if number.is_zero():
        return "0"
    number = number.normalize(_WIDE)
    if len(number.as_tuple().digits) > MAX_DIGITS:
        raise MockValidationException("Attempting to store more than 38 significant digits in a Number")
    if abs(number) >= _LARGEST:
        raise MockValidationException(
            "Number overflow. Attempting to store a number with magnitude larger than supported range"
        )
    if abs(number) < _SMALLEST:
        raise MockValidationException(
            "Number underflow. Attempting to store a number with magnitude smaller than supported range"
        )
    return format(number, "f")


def _normalize_numbers(self: DynamoType) -> None:
    if self.type == "N":
        self.value = normalize(self.value)
    elif self.type == "NS" and isinstance(self.value, list):
        self.value = [normalize(v) for v in self.value]


extend_init(DynamoType, _normalize_numbers)


def _operands(left: DynamoType, right: DynamoType) -> tuple[Decimal, Decimal]:
    """Both numbers (moto's errors otherwise: a TypeError its callers turn into an
    "incorrect operand type" ValidationException, or IncorrectDataType)."""
    if left.type != right.type:
        raise TypeError("Different types of operandi is not allowed.")
    if left.type != "N":
        raise IncorrectDataType()
    return _WIDE.create_decimal(left.value), _WIDE.create_decimal(right.value)


@patch(DynamoType, "__add__")
def _add(self: DynamoType, other: DynamoType) -> DynamoType:
    left, right = _operands(self, other)
    return DynamoType({"N": str(_WIDE.add(left, right))})


@patch(DynamoType, "__sub__")
def _sub(self: DynamoType, other: DynamoType) -> DynamoType:
    left, right = _operands(self, other)
    return DynamoType({"N": str(_WIDE.subtract(left, right))})
