// Prove no data left the network: the dev app with a prod-like `network` section (interface VPC
// endpoints, a 443-only security group, flow logs, requireVpcEndpoint) applied to the emulator in a
// VPC created for the test. The real Claude Code CLI, run as `npm run claude` runs it, is served
// through the endpoint (the emulator's second runtime address, whose calls carry aws:SourceVpce)
// and refused on the public address by the developer policy's DenyInvokeOutsideVpcEndpoint.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { attachScp, must } from '../lib.mjs';
import { bedrockBaseUrl, claudeBinary, prepareDeveloper, runClaude } from '../claude.mjs';
import { packages } from '../onboarding-files.mjs';
import { baseConfig, e2e } from './e2e.mjs';

const ctx = e2e('network');
const REPLY = 'Hello from the local Bedrock stand-in.';
const DEVELOPER = 'bob.smith';

describe(
  'network isolation on the emulator, with the real Claude Code CLI',
  { concurrency: false },
  () => {
    let outputs;
    let config;
    let stackDir;
    let vpcId;

    before(() => {
      claudeBinary();
      vpcId = ctx.aws(['ec2', 'create-vpc', '--cidr-block', '10.20.0.0/16']).Vpc.VpcId;
      // Private DNS on an interface endpoint needs DNS support and host names on, as on AWS.
      ctx.aws([
        'ec2',
        'modify-vpc-attribute',
        '--vpc-id',
        vpcId,
        '--enable-dns-hostnames',
        '{"Value":true}',
      ]);
      const subnetIds = ['a', 'b'].map(
        (az, i) =>
          ctx.aws([
            'ec2',
            'create-subnet',
            '--vpc-id',
            vpcId,
            '--cidr-block',
            `10.20.${i}.0/24`,
            '--availability-zone',
            `us-east-1${az}`,
          ]).Subnet.SubnetId,
      );
      const testConfig = {
        ...baseConfig,
        // Spend caps are exercised elsewhere (claude-code.test.mjs); fewer resources to apply here.
        budgets: { ...baseConfig.budgets, perDeveloper: { enforce: false } },
        network: {
          vpcId,
          subnetIds,
          allowedCidrs: ['10.0.0.0/8'],
          requireVpcEndpoint: true,
          endpoints: ['bedrock', 'logs'],
          flowLogs: { enabled: true, destination: 'cloudwatch', retentionDays: 365 },
        },
      };
      stackDir = ctx.synth(join(ctx.WORK, 'main'), testConfig);
      must('terraform', ['init', '-input=false', '-no-color'], { cwd: stackDir, env: ctx.tfEnv });
      ctx.apply(stackDir);
      outputs = JSON.parse(ctx.tf(stackDir, ['output', '-json']).stdout);
      attachScp(ctx.emulator.endpoint, 'claude-code-bedrock-dev', outputs.scp_policy_json.value);
      config = packages().core.validateConfig(testConfig);
    });

    /** Runs `claude -p hello` as the developer through `via` (endpoint | public). */
    async function claudeVia(via) {
      const { url } = await bedrockBaseUrl({ env: 'dev', outputs, emulator: ctx.emulator, via });
      const developer = prepareDeveloper({
        env: 'dev',
        developerId: DEVELOPER,
        config,
        outputs,
        emulator: { ...ctx.emulator, runtimeEndpoint: url },
        homeRoot: join(ctx.WORK, `home-${via}`),
      });
      return runClaude(developer, ['-p', 'hello', '--output-format', 'json'], {
        capture: true,
        // A refusal is retried by Claude Code with backoff; one retry is enough to see it.
        extraEnv: { CLAUDE_CODE_MAX_RETRIES: '1' },
        timeoutMs: 90_000,
      });
    }

    it('built the endpoints in the test VPC, available, with the flow log recording all traffic', () => {
      const endpoints = outputs.vpc_endpoints.value;
      assert.deepEqual(Object.keys(endpoints).sort(), ['bedrock', 'bedrock-runtime', 'logs']);
      const described = ctx.aws([
        'ec2',
        'describe-vpc-endpoints',
        '--vpc-endpoint-ids',
        ...Object.values(endpoints).map((e) => e.id),
      ]).VpcEndpoints;
      for (const e of described) {
        assert.equal(e.VpcId, vpcId);
        assert.equal(e.VpcEndpointType, 'Interface');
        assert.equal(e.State.toLowerCase(), 'available');
        assert.equal(e.PrivateDnsEnabled, true);
        const policy = JSON.parse(e.PolicyDocument);
        for (const s of policy.Statement) {
          assert.notEqual(s.Principal, '*', `${e.ServiceName}: principal *`);
          assert.ok(![s.Action].flat().includes('*'), `${e.ServiceName}: action *`);
        }
      }
      const [flowLog] = ctx.aws([
        'ec2',
        'describe-flow-logs',
        '--flow-log-ids',
        outputs.flow_log_id.value,
      ]).FlowLogs;
      assert.equal(flowLog.ResourceId, vpcId);
      assert.equal(flowLog.TrafficType, 'ALL');
    });

    it('serves Claude Code through the VPC endpoint', async () => {
      const res = await claudeVia('endpoint');
      assert.equal(res.code, 0, `${res.stdout}\n${res.stderr}`);
      assert.equal(JSON.parse(res.stdout).result, REPLY);
    });

    it('refuses Claude Code on the public address: the endpoint-only deny', async () => {
      const res = await claudeVia('public');
      assert.notEqual(res.code, 0, 'the public call was served');
      // The same developer, profile and credentials were served through the endpoint: only the
      // path differs, and Claude Code shows Bedrock's refusal.
      const result = JSON.parse(res.stdout);
      assert.equal(result.is_error, true);
      assert.equal(result.api_error_status, 403);
      assert.match(
        result.result,
        new RegExp(
          `${DEVELOPER} is not authorized to perform: bedrock:InvokeModel.* with an explicit deny in an identity-based policy`,
        ),
      );
    });

    it('plans no change after the apply (the emulator answers as AWS does)', () => {
      assert.deepEqual(ctx.plannedChanges(stackDir), []);
    });
  },
);
