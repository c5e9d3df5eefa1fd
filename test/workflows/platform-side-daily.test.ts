// Daily's side by API (Pipecat via Daily SIP), against the Daily stand-in over real HTTP and the Exotel simulator,
// on the dev server: the SIP trunk the destination names, made before Exotel sends to it, with the customer's
// webhook (which Daily tests at creation) and Exotel's signalling IPs; cross-checked, rolled back with Exotel's
// side. Outbound stays on the sheet: Daily dials out per call.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { operateOn } from '../../client/lines';
import type { InboundSetupResult, OutboundSetupResult } from '../../domain/setup-result';
import { startDailyStandIn, type DailyStoredTrunk, type RunningStandIn } from '../../simulator/voice-ai';
import { managedLine } from '../support/lines';
import { failureOf, keepHistory, startHarness, type Harness } from '../support/setup-harness';

const ACCOUNT = 'acme-daily';
const DOMAIN = 'examplecorp';
const EXOTEL_IPS = '203.0.113.10';

let daily: RunningStandIn<DailyStoredTrunk>;
let webhook: Server;
let webhookUrl: string;
let webhookAnswers = 200;
let h: Harness;
beforeAll(async () => {
  webhook = createServer((req, res) => {
    req.resume();
    req.on('end', () => res.writeHead(webhookAnswers).end());
  });
  await new Promise<void>((resolve) => webhook.listen(0, '127.0.0.1', resolve));
  webhookUrl = `http://127.0.0.1:${(webhook.address() as AddressInfo).port}/daily/sip`;
  daily = await startDailyStandIn({ domain: DOMAIN });
  h = await startHarness({}, {}, { platformAccounts: [{ name: ACCOUNT, provider: 'pipecat-daily', apiKey: daily.apiKey, domain: DOMAIN, baseUrl: daily.url }] });
}, 120_000);
afterAll(async () => {
  await h?.stop();
  await daily?.close();
  await new Promise((resolve) => webhook?.close(resolve));
});
beforeEach(async () => {
  webhookAnswers = 200;
  await daily.admin.reset();
});

const trunks = async () => (await daily.admin.state()).numbers;
const sipUri = (trunkName: string) => `${DOMAIN}-${trunkName}.siptrunk.sip-us.daily.co:5060;transport=tcp`;
const inbound = (customerId: string, did: string, fields: Record<string, string>) => h.startInbound({ customerId, did, provider: 'pipecat-daily', providerFields: fields });

describe('inbound with Daily by API', () => {
  it("makes the SIP trunk the destination names, admitting Exotel's IPs with the customer's webhook, and cross-checks it", async () => {
    const customerId = h.customer('da-in');
    const did = '+919812700001';
    const started = await inbound(customerId, did, { sipUri: sipUri('exotel919812700001'), webhookUrl, exotelSignallingIps: EXOTEL_IPS });
    const result = (await started.handle.result()) as InboundSetupResult;
    await keepHistory('inbound-daily', started.handle);
    const [trunk] = await trunks();
    expect(await trunks()).toHaveLength(1);
    expect(trunk).toMatchObject({ trunk_name: 'exotel919812700001', sip_uri: `sip:${DOMAIN}-exotel919812700001.siptrunk.sip-us.daily.co`, enabled: true });
    expect(JSON.stringify(trunk?.config)).toContain('203.0.113.10');
    expect(result.platformSide).toEqual({ mode: 'api', provider: 'pipecat-daily', account: ACCOUNT, objects: [{ kind: 'daily-sip-trunk', id: trunk?.id, name: 'exotel919812700001' }] });
    const everything = JSON.stringify([await daily.admin.requests(), result]);
    expect(everything).not.toContain(daily.apiKey);
  });

  it('a webhook that does not answer the test event fails the platform step and rolls back Exotel', async () => {
    const did = '+919812700011';
    webhookAnswers = 500;
    const failure = await failureOf((await inbound(h.customer('da-hook'), did, { sipUri: sipUri('exotel919812700011'), webhookUrl, exotelSignallingIps: EXOTEL_IPS })).handle.result());
    expect(failure.message).toContain('failed at step platform-sip-trunk');
    expect(await trunks()).toEqual([]);
    expect(await h.exotelTrunksWith(did)).toEqual([]);
  });

  it('refuses, before any request, a destination that names no trunk of the account, or a trunk without admission', async () => {
    await h.mark();
    const elsewhere = await failureOf((await inbound(h.customer('da-other'), '+919812700021', { sipUri: 'othercorp-x1y2z3.siptrunk.sip-us.daily.co:5060;transport=tcp', webhookUrl, exotelSignallingIps: EXOTEL_IPS })).handle.result());
    expect(elsewhere.message).toContain('is not a SIP trunk host of Daily domain examplecorp');
    const hyphen = await failureOf((await inbound(h.customer('da-hyphen'), '+919812700022', { sipUri: sipUri('exotel-acme'), webhookUrl, exotelSignallingIps: EXOTEL_IPS })).handle.result());
    expect(hyphen.message).toContain('no hyphens');
    const ungated = await failureOf((await inbound(h.customer('da-open'), '+919812700023', { sipUri: sipUri('exotelacme'), webhookUrl })).handle.result());
    expect(ungated.message).toContain('exotelSignallingIps is required (or openTrunk: yes)');
    expect(await h.requestsSinceMark()).toEqual([]);
    expect(await trunks()).toEqual([]);
  });

  it('an open trunk when asked; offboarding deletes it, then Exotel', async () => {
    const customerId = h.customer('da-offboard');
    const did = '+919812700031';
    await (await inbound(customerId, did, { sipUri: sipUri('exotel919812700031'), webhookUrl, openTrunk: 'yes' })).handle.result();
    expect(JSON.stringify((await trunks())[0]?.config)).toContain('"is_open":true');
    await managedLine(h.client, 'inbound', customerId);
    const report = await operateOn(h.client, 'inbound', customerId, { operation: { kind: 'offboard' }, confirm: true });
    expect(report.state, report.message).toBe('done');
    expect(await trunks()).toEqual([]);
    expect(await h.exotelTrunksWith(did)).toEqual([]);
  });
});

describe('outbound with Daily', () => {
  it('stays on the sheet, saying why: Daily dials out per call', async () => {
    const result = (await (await h.startOutbound({ customerId: h.customer('da-out'), did: '+919812700101', provider: 'pipecat-daily', providerIps: ['198.51.100.7'], allowAclWithDigest: true })).handle.result()) as OutboundSetupResult;
    expect(result.platformSide).toEqual({ mode: 'manual', reason: expect.stringContaining('Daily dials out per call') as string, objects: [] });
    expect(await trunks()).toEqual([]);
  });
});
