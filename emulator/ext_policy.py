"""Policy-evaluation fix for moto 5.2.1 (S3 bucket policies, IAM trust policies).

In AWS a policy statement applies only when its principal and every
condition match; a statement that does not apply has no effect, and a
condition on a key that is absent from the request context does not match
(except for negated operators such as ``StringNotEquals``, ``...IfExists``
operators, ``ForAllValues:`` and ``Null``). moto 5.2.1 instead treats a
condition on an absent key as matched (and a non-matching principal or
condition as an explicit DENY). moto's S3 passes no condition keys at all, so
the usual TLS-only bucket policy (``Deny s3:*`` when ``aws:SecureTransport``
is ``false``) denied every object upload and download with 403.

The fixed evaluation follows AWS: a statement whose principal or conditions
do not match is NEUTRAL; absent keys are handled as above. The emulator is
reached over plain HTTP on 127.0.0.1 and stands in for AWS's TLS endpoints,
so an absent ``aws:SecureTransport`` not triggering the TLS-only Deny is the
intended outcome, while unconditional Deny statements still deny.
"""

from __future__ import annotations

from typing import Any

from moto.iam.access_control import IAMPolicyStatement, PermissionResult
from moto.iam.policy_conditions import TrustCondition

from ext_common import patch

_original = IAMPolicyStatement.is_action_permitted


def _absent_key_matches(operator: str, expected: Any) -> bool:
    """Whether a condition on a key absent from the request context matches (AWS semantics)."""
    if operator == "Null":
        values = expected if isinstance(expected, list) else [expected]
        return all(str(v).lower() == "true" for v in values)
    if operator.endswith("IfExists") or operator.startswith("ForAllValues:"):
        return True
    return "Not" in operator.split(":")[-1]


def conditions_match(conditions: dict[str, dict[str, Any]], incoming: dict[str, Any] | None) -> bool:
    for operator, entries in conditions.items():
        for key, expected in entries.items():
            if incoming and key in incoming:
                check = TrustCondition(operator, [expected], [key])
                if not check.verify_condition([incoming[key]]):
                    return False
            elif not _absent_key_matches(operator, expected):
                return False
    return True


@patch(IAMPolicyStatement)
def is_action_permitted(
    self: IAMPolicyStatement,
    action: str,
    resource: str = "*",
    principal: str | None = None,
    incoming_condition_values: dict[str, Any] | None = None,
) -> PermissionResult:
    concerned = (
        not self._check_element_matches("NotAction", action)
        if "NotAction" in self._statement
        else self._check_element_matches("Action", action)
    )
    if concerned:
        if principal and not self.is_unknown_principal(self._statement.get("Principal")):
            if not self._check_principal(principal):
                return PermissionResult.NEUTRAL
        if not conditions_match(self._statement.get("Condition") or {}, incoming_condition_values):
            return PermissionResult.NEUTRAL
    return _original(self, action, resource, principal, incoming_condition_values)
