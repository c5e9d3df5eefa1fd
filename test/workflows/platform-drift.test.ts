// A drift scan reads the platform's side too, for lines that manage it: a LiveKit trunk changed or deleted behind
// the project's back is reported (part `platform`, with the cross-check's words), never "repaired" as Exotel's side
// is, and the Exotel budget is not spent on it. On an account of its own (a scan judges every line of its account).
import { SipClient } from 'livekit-server-sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runDriftScan } from '../../client/drift';
import { managedLine } from '../support/lines';
import { ownAccount } from '../support/simulator';
import { startHarness, type Harness } from '../support/setup-harness';
import { startLiveKit, type LiveKitServer } from '../support/livekit';

let livekit: LiveKitServer;
let sip: SipClient;
let h: Harness;
beforeAll(async () => {
  livekit = await startLiveKit();
  sip = new SipClient(livekit.url, livekit.apiKey, livekit.apiSecret);
  const own = ownAccount('platform_drift_sg');
  h = await startHarness(own.simulator, { ...own.account, sipEdge: { host: 'sg.voip.example-edge.net', port: 443, transport: 'tls' } }, {
    platformAccounts: [{ name: 'drift-lk', provider: 'livekit', url: livekit.url, apiKey: livekit.apiKey, apiSecret: livekit.apiSecret, sipHost: 'drift1234.sip.livekit.cloud' }],
  });
}, 300_000);
afterAll(async () => {
  await h?.stop();
  await livekit?.stop();
});

describe('drift of the platform side', () => {
  it('reports a LiveKit trunk whose credential was changed and one that was deleted, with the cross-check words', async () => {
    const changed = h.customer('lk-drift-changed');
    const gone = h.customer('lk-drift-gone');
    const quiet = h.customer('lk-drift-quiet');
    for (const [customerId, did] of [[changed, '+6531100001'], [gone, '+6531100002'], [quiet, '+6531100003']] as const) {
      await (await h.startOutbound({ customerId, did, provider: 'livekit' })).handle.result();
    }
    const lineOf = async (customerId: string) => (await managedLine(h.client, 'outbound', customerId)).line;
    const [lineChanged, lineGone] = [await lineOf(changed), await lineOf(gone)];
    await lineOf(quiet);
    await sip.updateSipOutboundTrunkFields(lineChanged.platform?.objects[0]?.id ?? '', { authUsername: 'byhand', authPassword: 'Byhand_password_123' });
    await sip.deleteSipTrunk(lineGone.platform?.objects[0]?.id ?? '');
    await h.mark();

    const report = await runDriftScan(h.client, { exotelAccountSid: h.exotelAccount.accountSid, requestsPerMinute: 600, share: 1, repair: ['missing', 'changed'] }, { taskQueue: h.taskQueue });
    const platform = report.differences.filter((d) => d.part === 'platform').map((d) => [d.customerId, d.kind, d.found]);
    // In the order the scan met the lines (visibility's), which is not the order they were made in.
    expect(platform.sort((a, b) => String(a[0]).localeCompare(String(b[0])))).toEqual([
      [changed, 'changed', expect.stringContaining('LiveKit authenticates as byhand')],
      [gone, 'missing', 'the LiveKit outbound trunk is not there'],
    ]);
    // Exotel's budget went on Exotel's reads only (a list of trunks, then three reads a line).
    expect((await h.loggedSinceMark()).length).toBe(report.reads);
    expect(report.reads).toBe(1 + 3 * 3);
    // Reported, not repaired: the lines stay drifted and no repair ran.
    const after = await managedLine(h.client, 'outbound', changed);
    expect(after.drift?.state).toBe('drifted');
    expect(after.recent.filter((r) => r.operation.kind === 'repair')).toEqual([]);
    expect((await managedLine(h.client, 'outbound', quiet)).drift?.state).toBe('in-sync');
  });
});
