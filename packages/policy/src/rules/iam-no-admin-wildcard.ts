import { NormalizedStatement, documentOwnStatements, policyStatements } from '../iam';
import { StackModel, TfElement, blocks, soleReference, strings } from '../model';
import { PolicyRule, RuleResult, compliant, nonCompliant, notApplicable } from '../rule';

/** `Allow` of action `*` (or `*:*`) on resource `*`: full administrator access. */
export function isAdminWildcard(s: NormalizedStatement): boolean {
  return (
    s.effect === 'Allow' &&
    (s.actions ?? []).some((a) => a === '*' || a === '*:*') &&
    (s.resources ?? []).some((r) => r === '*')
  );
}

/** Policy attributes per resource type (`inline_policy` blocks of roles are handled apart). */
const POLICY_ATTRIBUTES: Record<string, readonly string[]> = {
  aws_iam_policy: ['policy'],
  aws_iam_role_policy: ['policy'],
  aws_iam_user_policy: ['policy'],
  aws_iam_group_policy: ['policy'],
  aws_iam_role: ['assume_role_policy'],
  aws_ssoadmin_permission_set_inline_policy: ['inline_policy'],
};

function isDocumentReference(value: unknown, model: StackModel): boolean {
  const ref = soleReference(value);
  const target = ref && model.get(ref.address);
  return target?.mode === 'data' && target.type === 'aws_iam_policy_document';
}

/**
 * Statements written in this element. Policy documents referenced from it are judged on their
 * own (`data.aws_iam_policy_document.*`), so a finding lands where the statement is written.
 */
function ownStatements(element: TfElement, model: StackModel) {
  const values =
    element.mode === 'data'
      ? [
          ...strings(element.config.source_policy_documents),
          ...strings(element.config.override_policy_documents),
        ]
      : [
          ...(POLICY_ATTRIBUTES[element.type] ?? []).map((a) => element.config[a]),
          ...(element.type === 'aws_iam_role'
            ? blocks(element.config.inline_policy).map((p) => p.policy)
            : []),
        ];
  const own = values.filter((v) => v !== undefined && !isDocumentReference(v, model));
  const read = own.map((v) =>
    policyStatements(v, model, element.address, new Set([element.address])),
  );
  return {
    statements: [
      ...(element.mode === 'data' ? documentOwnStatements(element) : []),
      ...read.flatMap((r) => r.statements),
    ],
    unresolved: read.flatMap((r) => r.unresolved),
    referencesOnly: own.length === 0,
  };
}

/** No IAM statement allows every action on every resource. */
export const iamNoAdminWildcard: PolicyRule = {
  id: 'CCB-IAM-1',
  description: 'No IAM policy statement allows action * (or *:*) on resource *',
  severity: 'error',
  fix: 'List the actions the principal needs and scope Resource to ARNs (use conditions such as aws:ResourceTag/User for per-developer access) instead of Allow *:* on *',
  checks: ['least-privilege'],
  evaluate({ model }) {
    const out: RuleResult[] = [];
    const types = ['data.aws_iam_policy_document', ...Object.keys(POLICY_ATTRIBUTES)];
    for (const element of types.flatMap((t) => model.ofType(t))) {
      const { statements, unresolved, referencesOnly } = ownStatements(element, model);
      const admin = statements.filter(isAdminWildcard);
      if (admin.length > 0) {
        const names = admin
          .map((s) => (s.sid ? `'${s.sid}'` : `#${statements.indexOf(s) + 1}`))
          .join(', ');
        out.push(nonCompliant(element, `statement ${names} allows action * on resource *`));
      } else if (statements.length > 0) {
        out.push(compliant(element, `${statements.length} statement(s), none allows * on *`));
      } else if (referencesOnly) {
        out.push(notApplicable(element, 'its policies are documents judged on their own'));
      } else {
        out.push(
          notApplicable(
            element,
            `policy is a Terraform expression that cannot be read at synth (${unresolved[0] ?? ''})`,
          ),
        );
      }
    }
    return out;
  },
};
