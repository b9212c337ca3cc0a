/**
 * The compliance report's vocabulary. Seven controls answer the seven questions of the compliance
 * mapping (who accessed, what model, how much consumed, sensitive-data exposure, network proof,
 * deletion, session purge). Each control is answered by checks (see `CHECK_DEFINITIONS`), each
 * evaluated on a synthesized stack with the Terraform addresses that prove it, fed by policy rules
 * and mapped to SOC 2, HIPAA, GDPR, SOX and ISO/IEC 42001 references.
 */
import { RuleEvaluation } from './evaluate';
import { CheckId } from './rule';
import { PolicySuppression } from './model';

/** The frameworks of the report, in column order. */
export const FRAMEWORKS = ['SOC 2', 'HIPAA', 'GDPR', 'SOX', 'ISO/IEC 42001'] as const;
export type Framework = (typeof FRAMEWORKS)[number];

/**
 * - `PASS`: the stack implements it and no rule feeding it has an open finding.
 * - `MISSING`: the stack should implement it (the kit always does, or the config asks for it)
 *   but does not, or a rule feeding it has an open finding (error or warning).
 * - `CONFLICT`: implemented, but two obligations collide (Object Lock COMPLIANCE vs erasure).
 * - `NOT CONFIGURED`: an optional feature is off in the config; the config keys turn it on.
 * - `SUPPRESSED`: holds only thanks to suppressions (listed with their reasons).
 */
export type ControlStatus = 'PASS' | 'MISSING' | 'CONFLICT' | 'NOT CONFIGURED' | 'SUPPRESSED';

/** Statuses from worst to best: a control takes the worst status of its checks. */
export const STATUS_ORDER: readonly ControlStatus[] = [
  'MISSING',
  'CONFLICT',
  'NOT CONFIGURED',
  'SUPPRESSED',
  'PASS',
];

/** The worst of some statuses (PASS for none). */
export function worstStatus(statuses: readonly ControlStatus[]): ControlStatus {
  return STATUS_ORDER.find((s) => statuses.includes(s)) ?? 'PASS';
}

/** The questions of the compliance mapping. */
export type ControlId =
  | 'who-accessed'
  | 'what-model'
  | 'consumption'
  | 'sensitive-data'
  | 'network-proof'
  | 'deletion'
  | 'session-purge';

/** A control: one question of the mapping and the checks that answer it. */
export interface ControlDefinition {
  readonly id: ControlId;
  readonly title: string;
  readonly question: string;
  readonly checks: readonly CheckId[];
}

/** A check: what it verifies, which rules feed it, and the framework references it supports. */
export interface CheckDefinition {
  readonly id: CheckId;
  readonly title: string;
  /** What the kit does for this check and what is verified. */
  readonly description: string;
  /** Framework -> clause references (empty: no direct mapping). */
  readonly frameworks: Readonly<Record<Framework, readonly string[]>>;
  /**
   * Which rule findings count: `stack` - findings anywhere in the stack; `implementation` - only
   * findings on the addresses that implement the check (e.g. the invocation-log bucket).
   */
  readonly ruleScope: 'stack' | 'implementation';
}

/** What the structural part of a check found in the synthesized stack. */
export interface CheckFindings {
  /** Terraform addresses (and `output.<name>`) that prove it. */
  readonly addresses: readonly string[];
  readonly evidence: readonly string[];
  /** Defects: MISSING. */
  readonly gaps: readonly string[];
  /** Optional features the config leaves off: NOT CONFIGURED. */
  readonly notConfigured?: readonly string[];
  /** Obligations that collide: CONFLICT. */
  readonly conflicts?: readonly string[];
  /** Limits of the proof; they do not change the status. */
  readonly caveats?: readonly string[];
  /** Config keys that turn the check on or resolve it (shown when not PASS). */
  readonly configKeys?: readonly string[];
}

/** A suppressed finding that a check relies on. */
export interface ControlSuppression {
  readonly ruleId: string;
  readonly address?: string;
  readonly path: string;
  readonly reason: string;
}

/** One check's result. */
export interface CheckResult extends CheckDefinition {
  readonly status: ControlStatus;
  readonly addresses: readonly string[];
  /** The rule ids whose findings feed the check. */
  readonly rules: readonly string[];
  readonly evidence: readonly string[];
  /** Why the check is MISSING: structural gaps and open rule findings. */
  readonly gaps: readonly string[];
  readonly notConfigured: readonly string[];
  readonly conflicts: readonly string[];
  readonly caveats: readonly string[];
  readonly configKeys: readonly string[];
  readonly suppressions: readonly ControlSuppression[];
}

/** One control's result: the worst status of its checks. */
export interface ControlResult extends Omit<ControlDefinition, 'checks'> {
  readonly status: ControlStatus;
  /** Every address its checks list. */
  readonly addresses: readonly string[];
  /** Config keys of its checks that are not PASS. */
  readonly configKeys: readonly string[];
  readonly checks: readonly CheckResult[];
}

/** The compliance report of one synthesized stack. */
export interface ComplianceReport {
  readonly stackName: string;
  /** Controls per status. */
  readonly summary: Readonly<Record<ControlStatus, number>>;
  readonly controls: readonly ControlResult[];
  /** Every check, in control order. */
  readonly checks: readonly CheckResult[];
  /** Non-compliant policy findings (suppressed or not). */
  readonly findings: readonly RuleEvaluation[];
  readonly suppressions: readonly PolicySuppression[];
}

/** The seven controls, in the mapping's order. */
export const CONTROLS: readonly ControlDefinition[] = [
  {
    id: 'who-accessed',
    title: 'Who accessed',
    question: 'Who called Bedrock, when, and from where?',
    checks: ['access-logging'],
  },
  {
    id: 'what-model',
    title: 'What model',
    question:
      'Which model did each call use, with which prompt and completion, and can that record be altered?',
    checks: ['content-audit-trail', 'immutable-retention'],
  },
  {
    id: 'consumption',
    title: 'How much consumed',
    question: 'How much did each team consume, and who is told when spend runs over?',
    checks: ['budget-monitoring'],
  },
  {
    id: 'sensitive-data',
    title: 'Sensitive-data exposure',
    question:
      'Can prompts, completions and logs reach anyone but their owners and auditors, or travel unencrypted?',
    checks: ['least-privilege', 'encryption', 'bypass-mode-disabled'],
  },
  {
    id: 'network-proof',
    title: 'Network proof',
    question: 'Can we prove no data left our network?',
    checks: ['private-network-path'],
  },
  {
    id: 'deletion',
    title: 'Deletion',
    question: "Can we delete a user's data?",
    checks: ['retention-windows'],
  },
  {
    id: 'session-purge',
    title: 'Session purge',
    question: 'Are the contents of Claude Code sessions purged after a set time?',
    checks: ['invocation-purge', 'session-cleanup'],
  },
];
