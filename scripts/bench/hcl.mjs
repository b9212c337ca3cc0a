// The plain-Terraform baseline of the benchmark: the same environment written as a hand-written
// module would be, one `for_each` per roster-sized resource type over input variables (tfvars).
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The plain-Terraform baseline: the roster-sized resources (one profile per developer and tier,
 * one budget per developer) written by hand as one `for_each` each over input variables, plus the fixed
 * part of the environment (roles, buckets, logging, Athena, team budgets, alarms, outputs), which
 * does not grow with the roster and is taken from the synthesized stack with its references
 * renamed, so both configurations hold the same resources with the same arguments and tags.
 * Writes fixed.tf.json, roster.tf and terraform.tfvars.json into `dir` (replacing them) and
 * returns `dir`; `statePath` points its local backend at a state file of its own.
 */
export function writeHclBaseline(tf, dir, config, { statePath } = {}) {
  mkdirSync(dir, { recursive: true });
  const fixed = structuredClone(tf);
  // Its own state when it is applied (the synthesized stack's local backend names ours).
  if (statePath) fixed.terraform.backend = { local: { path: statePath } };
  // The for_each maps live in locals; the baseline takes them from tfvars instead.
  const fromLocal = (r) => {
    const name = /^\$\{local\.([\w-]+)\}$/.exec(r.for_each)?.[1];
    if (!name) return r.for_each;
    const value = fixed.locals[name];
    delete fixed.locals[name];
    return value;
  };
  // Our instance-group resources of one type become a single for_each over the merged map.
  const takeGroups = (type) => {
    const groups = Object.entries(fixed.resource[type]).filter(([, r]) => r.for_each);
    for (const [name] of groups) delete fixed.resource[type][name];
    if (Object.keys(fixed.resource[type]).length === 0) delete fixed.resource[type];
    return {
      names: groups.map(([name]) => name),
      first: groups[0][1],
      entries: Object.assign({}, ...groups.map(([, r]) => fromLocal(r))),
    };
  };
  const profiles = takeGroups('aws_bedrock_inference_profile');
  const budgets = takeGroups('aws_budgets_budget');
  const modelSources = /local\.([\w-]+)/.exec(profiles.first.model_source[0].copy_from)?.[1];
  if (modelSources) delete fixed.locals[modelSources];
  // The ARN map locals merge the group resources; the baseline has one resource to read. Then any
  // other reference (a single group, instance references: keys are unique across groups).
  const profileAddresses = profiles.names.map((name) => `aws_bedrock_inference_profile.${name}`);
  let renamed = JSON.stringify(fixed).replaceAll(
    `merge(${profileAddresses.join(', ')})`,
    'aws_bedrock_inference_profile.developer',
  );
  for (const address of profileAddresses) {
    renamed = renamed.replace(
      new RegExp(`${address.replace('.', '\\.')}(?![\\w-])`, 'g'),
      'aws_bedrock_inference_profile.developer',
    );
  }
  for (const name of [...profiles.names, ...budgets.names]) {
    if (renamed.includes(`.${name}`)) throw new Error(`baseline still refers to ${name}`);
  }
  writeFileSync(join(dir, 'fixed.tf.json'), renamed);

  const n = budgets.first.notification[0];
  const topicRef = n.subscriber_sns_topic_arns[0].replace(/^\$\{|\}$/g, '');
  const copyFrom = Object.fromEntries(
    Object.entries(config.models).map(([tier, m]) => [
      tier,
      `arn:aws:bedrock:${config.region}:${config.accountId}:inference-profile/${typeof m === 'string' ? m : m.profileId}`,
    ]),
  );
  writeFileSync(
    join(dir, 'terraform.tfvars.json'),
    JSON.stringify({ profiles: profiles.entries, developer_budgets: budgets.entries }),
  );
  writeFileSync(
    join(dir, 'roster.tf'),
    `variable "profiles" {
  type = map(object({
    name        = string
    description = string
    user        = string
    team        = string
    cost_center = string
    tier        = string
  }))
}

variable "developer_budgets" {
  type = map(object({
    name   = string
    amount = string
  }))
}

locals {
  copy_from = ${JSON.stringify(copyFrom, null, 2)
    .replace(/"(\w+)":/g, '$1 =')
    .replace(/,\n/g, '\n')}
}

resource "aws_bedrock_inference_profile" "developer" {
  for_each    = var.profiles
  name        = each.value.name
  description = each.value.description
  model_source {
    copy_from = local.copy_from[each.value.tier]
  }
  tags = {
    User       = each.value.user
    Team       = each.value.team
    Project    = "${config.project}"
    CostCenter = each.value.cost_center
    Tier       = each.value.tier
  }
}

resource "aws_budgets_budget" "developer" {
  for_each     = var.developer_budgets
  name         = each.value.name
  budget_type  = "COST"
  limit_amount = each.value.amount
  limit_unit   = "USD"
  time_unit    = "MONTHLY"
  cost_filter {
    name   = "TagKeyValue"
    values = [format("user:User$%s", each.key)]
  }
  notification {
    comparison_operator        = "${n.comparison_operator}"
    notification_type          = "${n.notification_type}"
    threshold                  = ${n.threshold}
    threshold_type             = "${n.threshold_type}"
    subscriber_email_addresses = ${JSON.stringify(n.subscriber_email_addresses)}
    subscriber_sns_topic_arns  = [${topicRef}]
  }
  depends_on = [${(budgets.first.depends_on ?? []).join(', ')}]
}
`,
  );
  return dir;
}
