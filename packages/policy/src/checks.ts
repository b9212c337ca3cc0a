import { Annotations, Aspects, IAspect, TerraformStack } from 'cdktf';
import { IConstruct } from 'constructs';
import { PolicyReport, RuleEvaluation, evaluateStack, formatFinding } from './evaluate';
import { PolicyOptions } from './rule';
import { addressOf, recordSuppressions } from './suppress';

/** Per-stack state, so repeated synths neither duplicate annotations nor validations. */
interface StackState {
  report?: PolicyReport;
  readonly annotated: Set<string>;
}

/**
 * The Claude Code on Bedrock rule pack as a cdktf aspect. Visiting a stack registers a validation
 * on it; validations run at synth after every aspect, so the rules see the final, resolved
 * Terraform configuration (tokens resolved, cross-resource relations followed). Each
 * non-compliant resource is reported on its construct with `Annotations.addError` (severity
 * `error`), `addWarning` (`warning`) or `addInfo` (suppressed), and the validation returns the
 * error findings, so `app.synth()` and `Testing.synth(stack, true)` throw listing them.
 * (`new App({ skipValidation: true })` skips the checks.)
 *
 * ```ts
 * Aspects.of(stack).add(new ClaudeCodeBedrockChecks({ teams: ['platform'] }));
 * ```
 */
export class ClaudeCodeBedrockChecks implements IAspect {
  private readonly stacks = new WeakMap<TerraformStack, StackState>();

  constructor(readonly options: PolicyOptions = {}) {}

  visit(node: IConstruct): void {
    if (!TerraformStack.isStack(node) || this.stacks.has(node)) return;
    this.stacks.set(node, { annotated: new Set() });
    node.node.addValidation({ validate: () => this.check(node).errors.map(formatFinding) });
    recordSuppressions(node);
  }

  /** The report of the last check of a stack (undefined before it was checked). */
  reportFor(stack: TerraformStack): PolicyReport | undefined {
    return this.stacks.get(stack)?.report;
  }

  /**
   * Evaluates the stack now, annotates its findings (once per construct and message) and returns
   * the report. Synth calls this through the stack validation.
   */
  check(stack: TerraformStack): PolicyReport {
    let state = this.stacks.get(stack);
    if (!state) {
      state = { annotated: new Set() };
      this.stacks.set(stack, state);
    }
    recordSuppressions(stack);
    const report = evaluateStack(stack.toTerraform(), this.options);
    state.report = report;

    const byAddress = new Map<string, IConstruct>();
    for (const c of stack.node.findAll()) {
      const address = addressOf(c);
      if (address) byAddress.set(address, c);
    }
    for (const f of report.findings) {
      const target = (f.address && byAddress.get(f.address)) || stack;
      const message = annotationMessage(f);
      const key = `${target.node.path}\n${message}`;
      if (state.annotated.has(key)) continue;
      state.annotated.add(key);
      if (f.suppression) Annotations.of(target).addInfo(message);
      else if (f.severity === 'error') Annotations.of(target).addError(message);
      else Annotations.of(target).addWarning(message);
    }
    return report;
  }
}

function annotationMessage(f: RuleEvaluation): string {
  return f.suppression
    ? `[${f.ruleId}] suppressed (${f.suppression.reason}): ${f.reason}`
    : formatFinding(f);
}

/**
 * Adds {@link ClaudeCodeBedrockChecks} to a stack (or an app: every stack in it) and returns it.
 */
export function applyChecks(
  scope: IConstruct,
  options: PolicyOptions = {},
): ClaudeCodeBedrockChecks {
  const checks = new ClaudeCodeBedrockChecks(options);
  Aspects.of(scope).add(checks);
  return checks;
}
