// Which stacks a deploy plans: pure functions of the synthesized stacks and what was recorded.

/**
 * Why a stack differs from its last recorded apply, or undefined when it does not: `hash` is its
 * new content hash, `record` its sidecar (or undefined) and `state` the current `{ lineage,
 * serial }` of its state (or undefined).
 */
export function changeReason({ hash, record, state }) {
  if (!record) return 'no deploy record';
  if (record.configSha256 !== hash) return 'configuration changed';
  if (!state) return 'state missing';
  if (state.lineage !== record.stateLineage) return 'state replaced since the recorded apply';
  if (state.serial !== record.stateSerial) {
    return `state written since the recorded apply (serial ${record.stateSerial} -> ${state.serial})`;
  }
  return undefined;
}

/**
 * The stacks to plan, in the given order (dependencies first): `[{ name, reason }]`.
 * - `stacks`: `[{ name, dependencies }]` (every stack of the app);
 * - `only`: stack names to consider (empty: all); others are neither planned nor reported;
 * - `changed`: plan only the stacks whose `reasons.get(name)` is set, and the stacks that depend
 *   on a planned one (directly or not); without it every considered stack is planned.
 * Returns `{ planned, unchanged }` (`unchanged`: the considered stacks left out).
 */
export function selectStacks(stacks, { only = [], changed = false, reasons = new Map() } = {}) {
  const considered = only.length === 0 ? stacks : stacks.filter((s) => only.includes(s.name));
  const planned = [];
  const unchanged = [];
  const chosen = new Map();
  for (const stack of ordered(stacks)) {
    if (!considered.includes(stack)) continue;
    let reason = only.length > 0 ? 'requested' : 'all stacks';
    if (changed) {
      const upstream = (stack.dependencies ?? []).filter((d) => chosen.has(d));
      reason =
        reasons.get(stack.name) ??
        (upstream.length > 0 ? `depends on ${upstream.join(', ')}` : undefined);
    }
    if (reason === undefined) {
      unchanged.push(stack.name);
    } else {
      chosen.set(stack.name, reason);
      planned.push({ name: stack.name, reason });
    }
  }
  return { planned, unchanged };
}

/** Stacks with their dependencies first (stable otherwise); throws on a cycle. */
export function ordered(stacks) {
  const byName = new Map(stacks.map((s) => [s.name, s]));
  const done = new Set();
  const visiting = new Set();
  const out = [];
  const visit = (stack) => {
    if (done.has(stack.name)) return;
    if (visiting.has(stack.name)) throw new Error(`stack dependency cycle at ${stack.name}`);
    visiting.add(stack.name);
    for (const dep of stack.dependencies ?? []) if (byName.has(dep)) visit(byName.get(dep));
    visiting.delete(stack.name);
    done.add(stack.name);
    out.push(stack);
  };
  stacks.forEach(visit);
  return out;
}
