// Smallest AI Atoms' side by API, against the Atoms stand-in over real HTTP and the Exotel simulator, on the dev
// server: outbound only, each DID imported with Exotel's edge as its termination URL and the digest credentials, found
// by listing before and on every retry, cross-checked by listing. Atoms has no delete by API: the import is the last
// request, and a rollback or an offboarding says what to remove in the dashboard. Inbound stays on the sheet.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { operateOn } from '../../client/lines';
import { platformObjectName } from '../../domain/platform-side';
import type { InboundSetupResult, OutboundSetupResult } from '../../domain/setup-result';
import { startSmallestStandIn, type AtomsStoredNumber, type RunningStandIn } from '../../simulator/voice-ai';
import { statusQuery } from '../../workflows/progress';
import { managedLine } from '../support/lines';
import { failureOf, keepHistory, startHarness, type Harness } from '../support/setup-harness';

const ACCOUNT = 'acme-atoms';
const EDGE = { host: 'in.voip.exotel.com', port: 5070, transport: 'tcp' as const };

let atoms: RunningStandIn<AtomsStoredNumber>;
let h: Harness;
beforeAll(async () => {
  atoms = await startSmallestStandIn();
  h = await startHarness({}, { sipEdge: EDGE }, { platformAccounts: [{ name: ACCOUNT, provider: 'smallest-atoms', apiKey: atoms.apiKey, baseUrl: atoms.url }] });
}, 120_000);
afterAll(async () => {
  await h?.stop();
  await atoms?.close();
});
beforeEach(async () => atoms.admin.reset());

const numbers = async () => (await atoms.admin.state()).numbers;
const lines = async () => (await atoms.admin.requests()).map(({ method, path }) => `${method} ${path}`);
const LIST = 'GET /atoms/v1/product/all-numbers';
const IMPORT = 'POST /atoms/v1/product/import-phone-number';

describe('outbound with Atoms by API', () => {
  it("imports the DID with Exotel's edge and the digest credentials, last, and cross-checks it by listing", async () => {
    const customerId = h.customer('at-out');
    const did = '+919812800001';
    const started = await h.startOutbound({ customerId, did, provider: 'smallest-atoms' });
    const result = (await started.handle.result()) as OutboundSetupResult;
    await keepHistory('outbound-atoms', started.handle);
    const name = platformObjectName('atoms-phone-number', customerId);
    expect(await numbers()).toMatchObject([{ sipTerminationUrl: `${EDGE.host}:${EDGE.port}`, sipUsername: result.sipUserName, sipPasswordSet: true }]);
    const [held] = await numbers();
    expect(held?.attributes).toMatchObject({ name, phoneNumber: did });
    expect(await lines()).toEqual([LIST, IMPORT, LIST]);
    expect(result.platformSide).toMatchObject({ mode: 'api', provider: 'smallest-atoms', objects: [{ kind: 'atoms-phone-number', name }], unverified: expect.stringContaining('transport') as string });
    const status = await started.handle.query(statusQuery);
    expect(status.steps.slice(-2).map((s) => [s.name, s.state])).toEqual([
      ['platform-number', 'done'],
      ['cross-check', 'done'],
    ]);
    const everything = JSON.stringify([await atoms.admin.requests(), status]);
    for (const secret of [result.sipPassword, atoms.apiKey]) expect(everything).not.toContain(secret);
  });

  it('a lost answer to the import is found by listing on the retry: exactly one number', async () => {
    const did = '+919812800011';
    await atoms.admin.addFault({ kind: 'commit-then-fail', method: 'POST', path: 'import-phone-number$', then: 500 });
    await (await h.startOutbound({ customerId: h.customer('at-lost'), did, provider: 'smallest-atoms' })).handle.result();
    expect((await numbers()).map((n) => n.attributes.phoneNumber)).toEqual([did]);
    expect(await lines()).toEqual([LIST, IMPORT, LIST, LIST]);
  });

  it('a refused import rolls back Exotel; a number imported by someone else is refused, and left as it is', async () => {
    const did = '+919812800021';
    await atoms.admin.addFault({ kind: 'status', status: 400, method: 'POST', path: 'import-phone-number$' });
    const refused = await failureOf((await h.startOutbound({ customerId: h.customer('at-refused'), did, provider: 'smallest-atoms' })).handle.result());
    expect(refused.message).toContain('failed at step platform-number');
    expect(await h.exotelTrunksWith(did)).toEqual([]);
    await atoms.admin.clearFaults();

    await fetch(`${atoms.url}/product/import-phone-number`, {
      method: 'POST',
      headers: { authorization: `Bearer ${atoms.apiKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ phoneNumber: did, sipTerminationUrl: 'sip.elsewhere.example.com', name: 'their own' }),
    });
    const taken = await failureOf((await h.startOutbound({ customerId: h.customer('at-taken'), did, provider: 'smallest-atoms' })).handle.result());
    expect(taken.message).toContain('Atoms already has +919812800021 imported as their own');
    expect(await numbers()).toHaveLength(1);
    expect(await h.exotelTrunksWith(did)).toEqual([]);
  });

  it('offboarding leaves the Atoms number, saying to remove it in the dashboard', async () => {
    const customerId = h.customer('at-offboard');
    const did = '+919812800031';
    await (await h.startOutbound({ customerId, did, provider: 'smallest-atoms' })).handle.result();
    await managedLine(h.client, 'outbound', customerId);
    const report = await operateOn(h.client, 'outbound', customerId, { operation: { kind: 'offboard' }, confirm: true });
    expect(report.state, report.message).toBe('done');
    expect(report.plan?.notes).toContainEqual(expect.stringContaining('remove it in the Atoms dashboard'));
    expect(report.plan?.steps.some((s) => s.action === 'delete-platform-object')).toBe(false);
    expect(await numbers()).toHaveLength(1);
  });

  it("a rollback says which import stays; the customer's next setup finds it by its name and uses it", async () => {
    const customerId = h.customer('at-again');
    const dids = ['+919812800041', '+919812800042'];
    await atoms.admin.addFault({ kind: 'status', status: 400, method: 'POST', path: 'import-phone-number$', skip: 1, count: 1 });
    const first = await h.startOutbound({ customerId, dids, provider: 'smallest-atoms' });
    const failure = await failureOf(first.handle.result());
    await keepHistory('outbound-atoms-rolled-back', first.handle);
    expect(failure.message).toContain('failed at step platform-number');
    expect(failure.message).toContain('not undone: Atoms number +919812800041 stays imported (Atoms has no delete by API): remove it in the Atoms dashboard');
    expect((await numbers()).map((n) => n.attributes.phoneNumber)).toEqual([dids[0]]);

    const again = (await (await h.startOutbound({ customerId, dids, provider: 'smallest-atoms' })).handle.result()) as OutboundSetupResult;
    expect(again.platformSide?.objects).toMatchObject([
      { kind: 'atoms-phone-number', origin: 'pre-existing', mayDelete: false },
      { kind: 'atoms-phone-number', name: platformObjectName('atoms-phone-number', customerId) },
    ]);
    expect((await numbers()).map((n) => n.attributes.phoneNumber)).toEqual(dids);
  });
});

describe('inbound with Atoms', () => {
  it('stays on the sheet, saying why: Atoms returns no origination URL by API', async () => {
    const result = (await (
      await h.startInbound({ customerId: h.customer('at-in'), did: '+919812800101', provider: 'smallest-atoms', providerFields: { originationUrl: 'abcd1234.sip.livekit.cloud:5061;transport=tls' } })
    ).handle.result()) as InboundSetupResult;
    expect(result.platformSide).toEqual({ mode: 'manual', reason: expect.stringContaining('no origination URL by API') as string, objects: [] });
  });
});

describe('DID changes on an Atoms line', () => {
  it('change Exotel, and say what to do in the Atoms dashboard (it takes a number only with the password)', async () => {
    const customerId = h.customer('at-dids');
    await (await h.startOutbound({ customerId, did: '+919812800201', provider: 'smallest-atoms' })).handle.result();
    await managedLine(h.client, 'outbound', customerId);
    const added = await operateOn(h.client, 'outbound', customerId, { operation: { kind: 'add-dids', dids: ['+919812800202'] } });
    expect(added.state, added.message).toBe('done');
    expect(added.plan?.steps.map((s) => s.action)).toEqual(['map-did']);
    expect(added.plan?.notes).toContainEqual('Atoms cannot take or give up +919812800202 by API: import it in the Atoms dashboard with the line\'s digest user and password');
    expect(await numbers()).toHaveLength(1);
  });
});
