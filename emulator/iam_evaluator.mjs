#!/usr/bin/env node
// IAM policy evaluator for the emulator's data plane, backed by @cloud-copilot/iam-simulate.
//
// As a process it speaks JSON lines: every stdin line `{"id": N, "requests": [...]}` gets one stdout
// line `{"id": N, "results": [...]}` (same order). A malformed request yields
// `{"decision": "Error", ...}`; a line that is not JSON, or has no `requests` array, yields
// `{"id": N|null, "results": [], "error": "..."}`. The process exits when stdin closes.
// As a module it exports `evaluate(requests)`. The request and result shapes are documented in
// emulator/README.md ("IAM policy evaluation").

import { createInterface } from 'node:readline';
import { pathToFileURL } from 'node:url';
import {
  getDenialReasons,
  getGrantReasons,
  isConditionKeyArray,
  isWildcardOnlyAction,
  runSimulation,
  typeForContextKey,
} from '@cloud-copilot/iam-simulate';

/** Attached to every account (and OU) unless removed: the deny-list SCP strategy relies on it. */
const FULL_AWS_ACCESS = {
  name: 'FullAWSAccess',
  policy: {
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }],
  },
};

/** Order in which a decisive policy type is reported (AWS's evaluation flow). */
const DENIAL_ORDER = ['scp', 'rcp', 'resource', 'identity', 'pb', 'vpce', 's3-bpa'];
const DENIED_BY = { pb: 'boundary' };

const STRICT = { simulationMode: 'Strict' };

class RequestError extends Error {}

const isObject = (v) => typeof v === 'object' && v !== null && !Array.isArray(v);

function fail(message) {
  throw new RequestError(message);
}

/** Fields of an ARN (`arn:partition:service:region:account:resource`), or undefined. */
function arnParts(arn) {
  const parts = arn.split(':');
  if (parts.length < 6 || parts[0] !== 'arn') return undefined;
  return {
    partition: parts[1],
    service: parts[2],
    region: parts[3],
    account: parts[4],
    resource: parts.slice(5).join(':'),
  };
}

function policyList(value, field) {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) fail(`${field} must be an array of {name, document}`);
  return value.map((p, i) => {
    if (!isObject(p) || !isObject(p.document)) fail(`${field}[${i}] must be {name, document}`);
    if (p.name !== undefined && typeof p.name !== 'string')
      fail(`${field}[${i}].name must be a string`);
    return { name: p.name || `${field}[${i}]`, policy: p.document };
  });
}

/**
 * SCP levels for the simulation. A flat list of `{name, document}` is attached to the account,
 * next to the FullAWSAccess policy AWS attaches by default (the deny-list strategy); the root
 * (FullAWSAccess only) is left out since it cannot change the result. A list of levels
 * `{orgIdentifier, policies: [{name, document}]}` (root first) is used as given, with no implied
 * FullAWSAccess, for allow-list SCPs.
 */
function scpLevels(value) {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) fail('serviceControlPolicies must be an array');
  if (value.length > 0 && value.every((v) => isObject(v) && Array.isArray(v.policies))) {
    return value.map((level, i) => ({
      orgIdentifier: typeof level.orgIdentifier === 'string' ? level.orgIdentifier : `level-${i}`,
      policies: policyList(level.policies, `serviceControlPolicies[${i}].policies`),
    }));
  }
  const policies = policyList(value, 'serviceControlPolicies');
  return policies.length
    ? [{ orgIdentifier: 'account', policies: [FULL_AWS_ACCESS, ...policies] }]
    : [];
}

function contextValues(value) {
  if (value === undefined || value === null) return {};
  if (!isObject(value)) fail('context must be an object');
  const out = {};
  for (const [key, v] of Object.entries(value)) {
    if (typeof v === 'string') out[key] = v;
    else if (Array.isArray(v) && v.every((x) => typeof x === 'string')) out[key] = [...v];
    else fail(`context value of ${key} must be a string or an array of strings`);
  }
  return out;
}

/**
 * Keys AWS always derives from the principal, added when the request does not carry them:
 * aws:PrincipalAccount, aws:PrincipalArn (for an assumed role: the role ARN, without its path,
 * which the session ARN does not show) and, for IAM users, aws:username.
 */
function withPrincipalKeys(context, principal) {
  const has = new Set(Object.keys(context).map((k) => k.toLowerCase()));
  const out = { ...context };
  const add = (key, v) => {
    if (v && !has.has(key.toLowerCase())) out[key] = v;
  };
  add('aws:PrincipalAccount', principal.account);
  const assumed = /^assumed-role\/([^/]+)\//.exec(principal.resource);
  if (principal.service === 'sts' && assumed) {
    add(
      'aws:PrincipalArn',
      `arn:${principal.partition}:iam::${principal.account}:role/${assumed[1]}`,
    );
  } else if (principal.service === 'iam') {
    add('aws:PrincipalArn', principal.arn);
    const user = /^user\/(?:.*\/)?([^/]+)$/.exec(principal.resource);
    if (user) add('aws:username', user[1]);
  }
  return out;
}

/** Whether one `Principal: {AWS: ...}` entry names the caller (an account, its root, the ARN, a session's role). */
function namesCaller(entry, principal) {
  if (entry === '*' || entry === principal.account || entry === principal.arn) return true;
  const named = typeof entry === 'string' ? arnParts(entry) : undefined;
  if (!named || named.partition !== principal.partition || named.account !== principal.account) {
    return false;
  }
  if (named.service === 'iam' && named.resource === 'root') return true;
  const session = /^assumed-role\/([^/]+)\//.exec(principal.resource);
  const role = /^role\/(?:.*\/)?([^/]+)$/.exec(named.resource);
  return (
    principal.service === 'sts' && named.service === 'iam' && !!session && role?.[1] === session[1]
  );
}

/** Whether a statement's Principal (or NotPrincipal) element applies to the caller. */
function statementAppliesTo(statement, principal) {
  const matches = (value) =>
    value === '*' ||
    (isObject(value) && [value.AWS ?? []].flat().some((e) => namesCaller(e, principal)));
  if ('Principal' in statement) return matches(statement.Principal);
  if ('NotPrincipal' in statement) return !matches(statement.NotPrincipal);
  return true; // no principal element: iam-simulate reports the policy as invalid
}

/**
 * VPC endpoint policies for iam-simulate, which analyzes them like identity policies (it ignores
 * their Principal and accepts only `"*"` there). AWS matches the Principal against the caller, so
 * the statements whose Principal does not name the caller are dropped here and the others get
 * `Principal: "*"`. A policy left without statements allows nothing (an implicit deny).
 */
function endpointPolicies(value, principal) {
  return policyList(value, 'vpcEndpointPolicies').map(({ name, policy }) => {
    const statements = [policy.Statement ?? []].flat();
    const applicable = statements
      .filter((st) => !isObject(st) || statementAppliesTo(st, principal))
      .map((st) => {
        if (!isObject(st) || !('Principal' in st || 'NotPrincipal' in st)) return st;
        const rest = Object.entries(st).filter(([k]) => k !== 'Principal' && k !== 'NotPrincipal');
        return { ...Object.fromEntries(rest), Principal: '*' };
      });
    return { name, policy: { ...policy, Statement: applicable } };
  });
}

function parseRequest(req) {
  if (!isObject(req)) fail('request must be an object');
  const { principalArn, action, resourceArn } = req;
  if (typeof principalArn !== 'string') fail('principalArn must be a string');
  const principal = arnParts(principalArn);
  if (!principal || !/^\d{12}$/.test(principal.account)) {
    fail(`principalArn is not an IAM or STS principal ARN: ${principalArn}`);
  }
  principal.arn = principalArn;
  if (typeof action !== 'string' || !/^[a-z0-9-]+:[A-Za-z0-9]+$/.test(action)) {
    fail(`action must be "service:Action", got ${JSON.stringify(action)}`);
  }
  if (typeof resourceArn !== 'string' || (resourceArn !== '*' && !arnParts(resourceArn))) {
    fail(`resourceArn must be an ARN or "*", got ${JSON.stringify(resourceArn)}`);
  }
  if (req.resourceAccount !== undefined && typeof req.resourceAccount !== 'string') {
    fail('resourceAccount must be a string');
  }
  if (
    req.resourcePolicy !== undefined &&
    req.resourcePolicy !== null &&
    !isObject(req.resourcePolicy)
  ) {
    fail('resourcePolicy must be a policy document');
  }
  return {
    principal,
    action,
    resourceArn,
    // Account-less ARNs (foundation models) are AWS-owned and have no resource policy: evaluating
    // them in the caller's account makes the identity policies decide, as on AWS.
    resourceAccount: req.resourceAccount || arnParts(resourceArn)?.account || principal.account,
    identityPolicies: policyList(req.identityPolicies, 'identityPolicies'),
    permissionBoundaries: policyList(req.permissionBoundaries, 'permissionBoundaries'),
    serviceControlPolicies: scpLevels(req.serviceControlPolicies),
    resourcePolicy: req.resourcePolicy ?? undefined,
    vpcEndpointPolicies: endpointPolicies(req.vpcEndpointPolicies, principal),
    context: withPrincipalKeys(contextValues(req.context), principal),
  };
}

/** iam-simulate's validation errors as one line. */
function simulationErrorMessage(errors, req) {
  if (errors.message === 'invalid.action' || errors.message === 'invalid.service') {
    return `${errors.message}: ${req.action}`;
  }
  if (
    ['no.resource.types', 'multiple.resource.types', 'must.use.wildcard'].includes(errors.message)
  ) {
    return `${errors.message}: ${req.action} on ${req.resourceArn}`;
  }
  const details = [];
  for (const [field, value] of Object.entries(errors)) {
    if (field === 'message') continue;
    const list = Array.isArray(value) ? { '': value } : value;
    for (const [name, errs] of Object.entries(list ?? {})) {
      for (const e of [errs].flat()) {
        const text =
          typeof e === 'string' ? e : `${e.path ?? ''} ${e.message ?? JSON.stringify(e)}`;
        details.push(`${field}${name ? `[${name}]` : ''}: ${text.trim()}`);
      }
    }
  }
  return details.length ? `${errors.message}: ${details.join('; ')}` : errors.message;
}

// --- evaluation outside iam-data's model ------------------------------------------------------
//
// runSimulation checks the request against iam-data (the Service Authorization Reference) and
// then filters the context: keys iam-data does not list for the action and resource type are
// dropped (reported as `ignoredContextKeys`), so a condition on them would see them absent, and a
// resource ARN that matches none of the action's resource types is an error (`no.resource.types`).
// Both happen for real Bedrock traffic: iam-data has no aws:ResourceTag/* for system inference
// profiles, no application-inference-profile resource for bedrock:CountTokens, and no ARN pattern
// without a region (AWS authorizes the model hop of a global profile against
// arn:aws:bedrock:::foundation-model/<id>). The emulator's data plane decides what is in the
// request context and which ARN is authorized, so in those cases the request (already validated:
// policies, action) is authorized again by iam-simulate's core engine with every context key. The
// engine is not in the package's public exports; it is loaded by file URL from the installed
// (exactly pinned) version.

let internals;
async function coreEngine() {
  if (!internals) {
    const base = import.meta.resolve('@cloud-copilot/iam-simulate');
    const load = (path) => import(new URL(path, base).href);
    const [core, request, context, discovery, iamPolicy] = await Promise.all([
      load('./core_engine/CoreSimulatorEngine.js'),
      load('./request/request.js'),
      load('./requestContext.js'),
      load('./context_keys/discoveryContextKeyConstraints.js'),
      // iam-simulate's own dependency (hoisted): the same module instance the package uses.
      import('@cloud-copilot/iam-policy'),
    ]);
    internals = {
      authorize: core.authorize,
      AwsRequestImpl: request.AwsRequestImpl,
      RequestContextImpl: context.RequestContextImpl,
      DiscoveryContextKeyConstraints: discovery.DiscoveryContextKeyConstraints,
      loadPolicy: iamPolicy.loadPolicy,
    };
  }
  return internals;
}

/**
 * Context values typed as runSimulation types them: a key iam-data knows as multi-valued becomes
 * an array, a single-valued key given as an array keeps its first value; unknown keys stay as given.
 */
async function typedContext(context) {
  const out = {};
  for (const [key, value] of Object.entries(context)) {
    let type;
    try {
      type = await typeForContextKey(key);
    } catch {
      out[key] = value; // not in iam-data
      continue;
    }
    if (isConditionKeyArray(type)) out[key] = [value].flat();
    else out[key] = Array.isArray(value) ? value[0] : value;
  }
  return out;
}

/** Authorizes a simulation that runSimulation validated, with every context key. */
async function authorizeWithAllKeys(simulation, wildcardOnly) {
  const m = await coreEngine();
  const load = (p) => m.loadPolicy(p.policy, { name: p.name });
  return m.authorize({
    request: new m.AwsRequestImpl(
      simulation.request.principal,
      simulation.request.resource,
      simulation.request.action,
      new m.RequestContextImpl(await typedContext(simulation.request.contextVariables)),
      wildcardOnly,
    ),
    sessionPolicy: undefined,
    identityPolicies: simulation.identityPolicies.map(load),
    serviceControlPolicies: simulation.serviceControlPolicies.map((level) => ({
      orgIdentifier: level.orgIdentifier,
      policies: level.policies.map(load),
    })),
    resourceControlPolicies: [],
    resourcePolicy: simulation.resourcePolicy
      ? m.loadPolicy(simulation.resourcePolicy, { name: 'ResourcePolicy' })
      : undefined,
    permissionBoundaries: simulation.permissionBoundaryPolicies?.map(load),
    vpcEndpointPolicies: simulation.vpcEndpointPolicies?.map(load),
    simulationParameters: {
      simulationMode: 'Strict',
      discoveryContextKeyConstraints: new m.DiscoveryContextKeyConstraints([]),
    },
    serviceSettings: { s3: {} },
  });
}

// --- results -----------------------------------------------------------------------------------

const statementName = (r) =>
  r.statementId ?? `${r.policyIdentifier ?? r.policyType}#${r.statementIndex}`;

const byDenialOrder = (a, b) =>
  DENIAL_ORDER.indexOf(a.policyType) - DENIAL_ORDER.indexOf(b.policyType);

/** The result line for one RequestAnalysis (or several, for a wildcard resource). */
function toResult(decision, analyses) {
  if (decision === 'Allowed') {
    const grants = analyses
      .flatMap(getGrantReasons)
      .filter((g) => g.policyType === 'identity' || g.policyType === 'resource');
    return {
      decision,
      deniedBy: null,
      statements: [...new Set(grants.map(statementName))],
    };
  }
  const denials = analyses.flatMap(getDenialReasons);
  if (decision === 'ExplicitlyDenied') {
    const explicit = denials.filter((d) => d.denialType === 'Explicit').sort(byDenialOrder);
    const first = explicit[0]?.policyType;
    return {
      decision,
      deniedBy: first ? (DENIED_BY[first] ?? first) : null,
      statements: [...new Set(explicit.map(statementName))],
    };
  }
  // Implicit: a guardrail (SCP, boundary) that blocks an otherwise allowed request comes first,
  // then the policy types that lack an Allow.
  const ordered = denials
    .filter((d) => d.denialType === 'Implicit')
    .sort((a, b) => (a.blocking ? 0 : 1) - (b.blocking ? 0 : 1) || byDenialOrder(a, b));
  // iam-simulate reports no reason for a cross-account request that only the identity side
  // allows: the resource policy (absent, or without a matching Allow) is what is missing.
  const crossAccount = analyses.some(
    (a) => !a.sameAccount && a.identityAnalysis?.result === 'Allowed',
  );
  const first = ordered[0]?.policyType ?? (crossAccount ? 'resource' : 'identity');
  return { decision, deniedBy: DENIED_BY[first] ?? first, statements: [] };
}

const errorResult = (message) => ({
  decision: 'Error',
  deniedBy: null,
  statements: [],
  error: message,
});

async function evaluateOne(raw) {
  const req = parseRequest(raw);
  const [service, name] = req.action.split(':');
  let wildcardOnly = false;
  try {
    wildcardOnly = await isWildcardOnlyAction(service, name);
  } catch {
    // unknown service or action: runSimulation reports it below
  }
  const simulation = {
    request: {
      principal: req.principal.arn,
      action: req.action,
      // AWS authorizes wildcard-only actions (List*, CallWithBearerToken) against "*".
      resource: { resource: wildcardOnly ? '*' : req.resourceArn, accountId: req.resourceAccount },
      contextVariables: req.context,
    },
    identityPolicies: req.identityPolicies,
    serviceControlPolicies: req.serviceControlPolicies,
    resourceControlPolicies: [],
    ...(req.resourcePolicy ? { resourcePolicy: req.resourcePolicy } : {}),
    ...(req.permissionBoundaries.length
      ? { permissionBoundaryPolicies: req.permissionBoundaries }
      : {}),
    ...(req.vpcEndpointPolicies.length ? { vpcEndpointPolicies: req.vpcEndpointPolicies } : {}),
  };
  const response = await runSimulation(simulation, STRICT);
  if (response.resultType === 'error') {
    // A resource type iam-data does not list for the action, of the action's own service.
    const unlisted =
      response.errors.message === 'no.resource.types' &&
      arnParts(req.resourceArn)?.service === service;
    if (!unlisted) return errorResult(simulationErrorMessage(response.errors, req));
    const analysis = await authorizeWithAllKeys(simulation, wildcardOnly);
    return toResult(analysis.result, [analysis]);
  }
  if (response.resultType === 'wildcard') {
    return toResult(
      response.overallResult,
      response.results.map((r) => r.analysis),
    );
  }
  if ((response.result.ignoredContextKeys ?? []).length === 0) {
    return toResult(response.overallResult, [response.result.analysis]);
  }
  const analysis = await authorizeWithAllKeys(simulation, wildcardOnly);
  return toResult(analysis.result, [analysis]);
}

/**
 * Evaluates IAM authorization requests (shape: emulator/README.md). Never rejects for a bad
 * request: that request's result is `{decision: "Error", error}`.
 *
 * @param {object[]} requests
 * @returns {Promise<object[]>} one result per request, in order
 */
export async function evaluate(requests) {
  if (!Array.isArray(requests)) throw new TypeError('requests must be an array');
  const results = [];
  for (const req of requests) {
    try {
      results.push(await evaluateOne(req));
    } catch (err) {
      results.push(errorResult(err instanceof Error ? err.message : String(err)));
    }
  }
  return results;
}

/** Answers one protocol line. */
export async function handleLine(line) {
  let message;
  try {
    message = JSON.parse(line);
  } catch (err) {
    return { id: null, results: [], error: `invalid JSON: ${err.message}` };
  }
  const id = isObject(message) && Number.isInteger(message.id) ? message.id : null;
  if (!isObject(message) || !Array.isArray(message.requests)) {
    return { id, results: [], error: 'expected {"id": <int>, "requests": [...]}' };
  }
  return { id, results: await evaluate(message.requests) };
}

function serve() {
  process.stdout.on('error', () => process.exit(0)); // the client went away
  const lines = createInterface({ input: process.stdin, crlfDelay: Infinity });
  let queue = Promise.resolve();
  lines.on('line', (line) => {
    if (!line.trim()) return;
    queue = queue
      .then(() => handleLine(line))
      .catch((err) => ({ id: null, results: [], error: `internal error: ${err?.message ?? err}` }))
      .then((answer) => {
        process.stdout.write(`${JSON.stringify(answer)}\n`);
      });
  });
  lines.on('close', () => {
    queue.then(() => process.exit(0));
  });
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) serve();
