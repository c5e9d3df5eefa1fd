// The curl commands of Exotel's voice-AI support article (reference exotel-voice-ai-snippets.txt), with the
// punctuation the extraction lost restored, placeholders filled, https → http and ${subdomain} → the simulator.
// They run through bash and the real curl binary, exactly as users paste them.

import { execFile, spawnSync } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_ACCOUNT, startSimulator, type RunningSimulator } from '../../simulator';
import type { Body, Item } from './support';

const run = promisify(execFile);
const curlInstalled = spawnSync('curl', ['--version']).status === 0;

let sim: RunningSimulator;
beforeAll(async () => {
  sim = await startSimulator({ accounts: [DEMO_ACCOUNT] });
});
afterAll(() => sim.close());

async function curl(script: string, env: Record<string, string> = {}): Promise<Body> {
  const { stdout } = await run('bash', ['-c', script], {
    env: {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      api_key: DEMO_ACCOUNT.apiKey,
      api_token: DEMO_ACCOUNT.apiToken,
      account_sid: DEMO_ACCOUNT.sid,
      subdomain: new URL(sim.url).host,
      ...env,
    },
  });
  return JSON.parse(stdout) as Body;
}

const CREATE_TRUNK = `curl -s -X POST "http://\${api_key}:\${api_token}@\${subdomain}/v2/accounts/\${account_sid}/trunks" \\
  -H "Content-Type: application/json" \\
  -d '{ "trunk_name": "my_trunk_name", "nso_code": "ANY-ANY", "domain_name": "'"\${account_sid}"'.pstn.exotel.com" }'`;

const SETUP = [
  `curl -s -X POST "http://\${api_key}:\${api_token}@\${subdomain}/v2/accounts/\${account_sid}/trunks/\${trunk_sid}/phone-numbers" \\
  -H "Content-Type: application/json" \\
  -d "{\\"phone_number\\": \\"+919812345678\\"}"`,
  `curl -s -X POST \\
  "http://\${api_key}:\${api_token}@\${subdomain}/v2/accounts/\${account_sid}/trunks/\${trunk_sid}/credentials" \\
  -H "Content-Type: application/json" \\
  -d '{ "user_name": "sip_user", "password": "sip_pass", "friendly_name": "voice_ai_platform" }'`,
  `curl -s -X POST "http://\${api_key}:\${api_token}@\${subdomain}/v2/accounts/\${account_sid}/trunks/\${trunk_sid}/whitelisted-ips" \\
  -H "Content-Type: application/json" \\
  -d '{"ip": "203.0.113.50", "mask": 32}'`,
  `curl -s -X POST "http://\${api_key}:\${api_token}@\${subdomain}/v2/accounts/\${account_sid}/trunks/\${trunk_sid}/destination-uris" \\
  -H "Content-Type: application/json" \\
  -d '{ "destinations": [ { "destination": "partner.example.com:5061;transport=tls" } ] }'`,
];

const VERIFY = [
  `curl -s "http://\${api_key}:\${api_token}@\${subdomain}/v2/accounts/\${account_sid}/trunks/\${trunk_sid}"`,
  `curl -s "http://\${api_key}:\${api_token}@\${subdomain}/v2/accounts/\${account_sid}/trunks/\${trunk_sid}/phone-numbers"`,
  `curl -s "http://\${api_key}:\${api_token}@\${subdomain}/v2/accounts/\${account_sid}/trunks/\${trunk_sid}/whitelisted-ips"`,
  `curl -s "http://\${api_key}:\${api_token}@\${subdomain}/v2/accounts/\${account_sid}/trunks/\${trunk_sid}/destination-uris"`,
];

const succeeded = (body: Body): boolean => {
  const items = Array.isArray(body.response) ? (body.response as Item[]) : [body.response as Item];
  return items.length > 0 && items.every((item) => item.status === 'success');
};

describe.skipIf(!curlInstalled)(`the support article's curl commands${curlInstalled ? '' : ' (SKIPPED: curl is not installed)'}`, () => {
  it('create a trunk, map a DID, add digest credentials, an ACL and a destination, then verify all four', async () => {
    const created = await curl(CREATE_TRUNK);
    expect(succeeded(created), JSON.stringify(created)).toBe(true);
    const trunkSid = (created.response as Item & { data: { trunk_sid: string } }).data.trunk_sid;

    for (const script of SETUP) {
      const body = await curl(script, { trunk_sid: trunkSid });
      expect(succeeded(body), `${script}\n→ ${JSON.stringify(body)}`).toBe(true);
    }
    const verified: Body[] = [];
    for (const script of VERIFY) verified.push(await curl(script, { trunk_sid: trunkSid }));
    expect(verified.map(succeeded)).toEqual([true, true, true, true]);
    const [trunk, numbers, acls, destinations] = verified.map((b) => b.response);
    expect(trunk).toMatchObject({ data: { trunk_sid: trunkSid, trunk_name: 'my_trunk_name', domain_name: 'demo_account.pstn.exotel.com' } });
    expect(numbers).toMatchObject([{ data: { phone_number: '+919812345678', mode: null } }]);
    expect(acls).toMatchObject([{ data: { ip: '203.0.113.50', mask: 32 } }]);
    expect(destinations).toMatchObject([{ data: { destination: 'sip:partner.example.com:5061;transport=tls' } }]);
  });
});
