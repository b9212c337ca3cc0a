// The dev app's CloudWatch dashboard through the emulator's PutDashboard / GetDashboard (which
// validates the body as CloudWatch does, emulator/ext_cloudwatch.py): the body Terraform would send,
// its references to other resources resolved from the synthesized configuration. Needs python3 +
// moto and the aws CLI; `npm run build` first (npm test does). No terraform apply: fast.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { run } from '../lib.mjs';
import { ACCOUNT, baseConfig, e2e } from './e2e.mjs';

const ctx = e2e('dashboard');

/**
 * The dashboard's name and body, with every `${<type>.<name>.<attribute>}` replaced by the value
 * Terraform gives it: alarm ARNs from the alarm's name, log group names as written. Any other
 * reference fails, so a new kind of reference is noticed here first.
 */
function resolvedDashboard(stackDir) {
  const tf = JSON.parse(readFileSync(join(stackDir, 'cdk.tf.json'), 'utf8'));
  const [dashboard, ...others] = Object.values(tf.resource.aws_cloudwatch_dashboard ?? {});
  assert.ok(dashboard, 'the dev app has an aws_cloudwatch_dashboard');
  assert.equal(others.length, 0, 'one dashboard per environment');
  const literal = (value, what) => {
    assert.equal(typeof value, 'string', `${what} is a string`);
    assert.doesNotMatch(value, /\$\{/, `${what} is known at synth`);
    return value;
  };
  const body = dashboard.dashboard_body.replace(/\$\{([^}]+)\}/g, (_, ref) => {
    const [type, name, attribute, ...rest] = ref.split('.');
    const resource = tf.resource[type]?.[name];
    assert.ok(resource && rest.length === 0, `unexpected reference \${${ref}}`);
    if (type === 'aws_cloudwatch_metric_alarm' && attribute === 'arn') {
      const alarm = literal(resource.alarm_name, ref);
      return `arn:aws:cloudwatch:${baseConfig.region}:${ACCOUNT}:alarm:${alarm}`;
    }
    if (type === 'aws_cloudwatch_log_group' && attribute === 'name')
      return literal(resource.name, ref);
    throw new Error(`no value for \${${ref}} in this test: resolve it or keep it out of the body`);
  });
  return { name: literal(dashboard.dashboard_name, 'dashboard_name'), body };
}

describe('the dev dashboard on the emulator', { concurrency: false }, () => {
  let dashboard;

  it('is accepted by PutDashboard without a validation message', () => {
    const stackDir = ctx.synth(join(ctx.WORK, 'synth'), baseConfig);
    dashboard = resolvedDashboard(stackDir);
    const put = ctx.aws([
      'cloudwatch',
      'put-dashboard',
      '--dashboard-name',
      dashboard.name,
      '--dashboard-body',
      dashboard.body,
    ]);
    assert.deepEqual(put.DashboardValidationMessages ?? [], []);
  });

  it('comes back from GetDashboard as it was sent', () => {
    const got = ctx.aws(['cloudwatch', 'get-dashboard', '--dashboard-name', dashboard.name]);
    assert.equal(got.DashboardName, dashboard.name);
    assert.equal(got.DashboardBody, dashboard.body);
    const widgets = JSON.parse(got.DashboardBody).widgets;
    // Spend caps are on in the dev app: the blocked-developer widgets are there.
    assert.ok(widgets.some((w) => w.properties.title === 'Developers blocked'));
    const listed = ctx.aws(['cloudwatch', 'list-dashboards']).DashboardEntries;
    assert.deepEqual(
      listed.map((d) => d.DashboardName),
      [dashboard.name],
    );
  });

  it('would be refused if a widget left the grid: the emulator does validate', () => {
    const body = JSON.parse(dashboard.body);
    body.widgets[0].width = 25;
    const args = ['cloudwatch', 'put-dashboard', '--dashboard-name', dashboard.name];
    const res = run(
      'aws',
      [...args, '--dashboard-body', JSON.stringify(body), '--endpoint-url', ctx.emulator.endpoint],
      { env: ctx.tfEnv, capture: true },
    );
    assert.notEqual(res.status, 0);
    assert.match(res.stderr, /InvalidParameterInput/);
    assert.match(res.stderr, /\/widgets\/0\/width/);
  });
});
