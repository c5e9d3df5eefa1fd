// A drift scan reads Bolna's and Daily's side too, for lines that manage it: a Bolna trunk's gateway or ACL entry
// deleted behind the project's back, or a Daily trunk deleted, is reported (part `platform`, the cross-check's words),
// never repaired by the scan. On an account of its own (a scan judges every line of its account).
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runDriftScan } from '../../client/drift';
import { startBolnaStandIn, startDailyStandIn, type BolnaStoredTrunk, type DailyStoredTrunk, type RunningStandIn } from '../../simulator/voice-ai';
import { managedLine } from '../support/lines';
import { ownAccount } from '../support/simulator';
import { startHarness, type Harness } from '../support/setup-harness';

const AGENT = '3c90c3cc-0d44-4b50-8888-8dd25736052a';
let bolna: RunningStandIn<BolnaStoredTrunk>;
let daily: RunningStandIn<DailyStoredTrunk>;
let webhook: Server;
let h: Harness;
beforeAll(async () => {
  bolna = await startBolnaStandIn({ agents: [AGENT] });
  daily = await startDailyStandIn({ domain: 'driftcorp' });
  webhook = createServer((req, res) => req.resume().on('end', () => res.writeHead(200).end()));
  await new Promise<void>((resolve) => webhook.listen(0, '127.0.0.1', resolve));
  const own = ownAccount('platform_drift_trunks');
  h = await startHarness(own.simulator, { ...own.account, sipEdge: { host: 'sg.voip.example-edge.net', port: 5070, transport: 'tcp' } }, {
    platformAccounts: [
      { name: 'drift-bolna', provider: 'bolna', apiKey: bolna.apiKey, baseUrl: bolna.url },
      { name: 'drift-daily', provider: 'pipecat-daily', apiKey: daily.apiKey, baseUrl: daily.url, domain: 'driftcorp' },
    ],
  });
}, 120_000);
afterAll(async () => {
  await h?.stop();
  await bolna?.close();
  await daily?.close();
  await new Promise((resolve) => webhook?.close(resolve));
});

const bolnaApi = (method: string, path: string) => fetch(`${bolna.url}${path}`, { method, headers: { authorization: `Bearer ${bolna.apiKey}` } });
const dailyApi = (method: string, path: string) => fetch(`${daily.url}${path}`, { method, headers: { authorization: `Bearer ${daily.apiKey}` } });

describe('drift of Bolna and Daily', () => {
  it("reports a Bolna gateway and ACL entry deleted and a Daily trunk deleted, and leaves the quiet line in sync", async () => {
    const gateway = h.customer('bo-drift-gw');
    const acl = h.customer('bo-drift-acl');
    const gone = h.customer('da-drift-gone');
    const quiet = h.customer('bo-drift-quiet');
    await (await h.startOutbound({ customerId: gateway, did: '+6532200001', provider: 'bolna' })).handle.result();
    await (await h.startOutbound({ customerId: quiet, did: '+6532200002', provider: 'bolna' })).handle.result();
    const bolnaIn = { provider: 'bolna', destinations: ['trunk.bolna.ai:5060;transport=tcp'], providerFields: { exotelSignallingIps: '203.0.113.10', agentId: AGENT } };
    await (await h.startInbound({ customerId: acl, did: '+6532200003', ...bolnaIn })).handle.result();
    const webhookUrl = `http://127.0.0.1:${(webhook.address() as AddressInfo).port}/hook`;
    await (await h.startInbound({ customerId: gone, did: '+6532200004', provider: 'pipecat-daily', providerFields: { sipUri: 'driftcorp-exotelgone.siptrunk.sip-us.daily.co:5060;transport=tcp', webhookUrl, openTrunk: 'yes' } })).handle.result();

    const part = async (direction: 'outbound' | 'inbound', customerId: string, kind: string) => (await managedLine(h.client, direction, customerId)).line.platform?.objects.find((o) => o.kind === kind)?.id ?? '';
    const [trunkId, gatewayId] = (await part('outbound', gateway, 'bolna-gateway')).split('/');
    await bolnaApi('DELETE', `/trunk/trunks/${trunkId}/gateways/${gatewayId}`);
    const [aclTrunk, aclId] = (await part('inbound', acl, 'bolna-ip-acl')).split('/');
    await bolnaApi('DELETE', `/trunk/trunks/${aclTrunk}/ip-acls/${aclId}`);
    await dailyApi('DELETE', `/sip-trunk/${await part('inbound', gone, 'daily-sip-trunk')}`);
    await managedLine(h.client, 'outbound', quiet);

    const report = await runDriftScan(h.client, { exotelAccountSid: h.exotelAccount.accountSid, requestsPerMinute: 600, share: 1, repair: ['missing', 'changed'] }, { taskQueue: h.taskQueue });
    const platform = report.differences.filter((d) => d.part === 'platform').map((d) => [d.customerId, d.found]);
    expect(platform.sort((a, b) => String(a[0]).localeCompare(String(b[0])))).toEqual([
      [acl, expect.stringContaining("Bolna does not admit Exotel's signalling IP 203.0.113.10")],
      [gateway, expect.stringContaining('Bolna dials (nothing)')],
      [gone, 'the Daily SIP trunk is not there'],
    ]);
    expect((await managedLine(h.client, 'outbound', quiet)).drift?.state).toBe('in-sync');
    expect((await managedLine(h.client, 'outbound', gateway)).recent.filter((r) => r.operation.kind === 'repair')).toEqual([]);
  });
});
