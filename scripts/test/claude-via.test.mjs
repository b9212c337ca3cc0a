// `npm run claude --via endpoint|public`: which Bedrock base URL Claude Code gets. The emulator's
// control route is stood in for by a small HTTP server answering GET /_emulator/vpc-endpoints.
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { after, before, describe, test } from 'node:test';
import { bedrockBaseUrl, ClaudeRunError, runtimeEndpointId } from '../claude.mjs';

const VPCE = 'vpce-0a1b2c3d4e5f60718';
const LISTENER = 'http://127.0.0.1:40123';
const PUBLIC = 'http://127.0.0.1:40001';
const withEndpoint = {
  vpc_endpoints: {
    value: { 'bedrock-runtime': { id: VPCE, dns_names: ['x.vpce.amazonaws.com'] } },
  },
};

describe('bedrockBaseUrl', () => {
  let server;
  let emulator;
  let listed = [];

  before(async () => {
    server = createServer((req, res) => {
      const ok = req.url === '/_emulator/vpc-endpoints';
      res.writeHead(ok ? 200 : 404, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify(ok ? listed : { message: 'unknown' }));
    });
    await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
    emulator = { endpoint: `http://127.0.0.1:${server.address().port}`, runtimeEndpoint: PUBLIC };
  });
  after(() => server.close());

  const rejectsWith = (promise, pattern, code) =>
    assert.rejects(promise, (err) => {
      assert.ok(err instanceof ClaudeRunError, err);
      assert.match(err.message, pattern);
      assert.equal(err.code, code);
      return true;
    });

  test('defaults to the endpoint listener when the deployment has a runtime endpoint', async () => {
    listed = [
      { vpcEndpointId: 'vpce-other', serviceName: 'x', endpoint: 'http://127.0.0.1:1' },
      {
        vpcEndpointId: VPCE,
        serviceName: 'com.amazonaws.us-east-1.bedrock-runtime',
        endpoint: LISTENER,
      },
    ];
    assert.equal(runtimeEndpointId(withEndpoint), VPCE);
    assert.deepEqual(await bedrockBaseUrl({ env: 'prod', outputs: withEndpoint, emulator }), {
      via: 'endpoint',
      url: LISTENER,
      vpcEndpointId: VPCE,
    });
    const forced = await bedrockBaseUrl({
      env: 'prod',
      outputs: withEndpoint,
      emulator,
      via: 'public',
    });
    assert.deepEqual(forced, { via: 'public', url: PUBLIC });
  });

  test('defaults to the public address without one; --via endpoint is then refused', async () => {
    for (const outputs of [{}, { vpc_endpoints: { value: {} } }, undefined]) {
      assert.equal(runtimeEndpointId(outputs), undefined);
      assert.deepEqual(await bedrockBaseUrl({ env: 'dev', outputs, emulator }), {
        via: 'public',
        url: PUBLIC,
      });
    }
    await rejectsWith(
      bedrockBaseUrl({ env: 'dev', outputs: {}, emulator, via: 'endpoint' }),
      /^--via endpoint: the deployment of 'dev' has no Bedrock Runtime VPC endpoint/,
      2,
    );
  });

  test('a bad --via value, an endpoint the emulator does not serve, an emulator that does not answer', async () => {
    await rejectsWith(
      bedrockBaseUrl({ env: 'dev', outputs: {}, emulator, via: 'vpn' }),
      /^--via must be endpoint or public, got 'vpn'\nusage: /,
      2,
    );
    listed = [];
    await rejectsWith(
      bedrockBaseUrl({ env: 'prod', outputs: withEndpoint, emulator }),
      new RegExp(`^the emulator has no listener for VPC endpoint ${VPCE} of 'prod'`),
      1,
    );
    const gone = { ...emulator, endpoint: `${emulator.endpoint}/nowhere` };
    await rejectsWith(
      bedrockBaseUrl({ env: 'prod', outputs: withEndpoint, emulator: gone }),
      /^cannot list the emulator's VPC endpoints: HTTP 404$/,
      1,
    );
  });
});
