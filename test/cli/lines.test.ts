// trunkctl plan | line as people use it on day two, against the real dev server, a real worker and the simulator:
// plans read and never write, each change prints its plan and runs only that, a destructive one waits for --yes,
// a rotation's password shows only with --reveal, an absent or offboarded line is said plainly, and bad input is
// refused (exit 2) before anything is read. Adopting a trunk made by hand reads only and deletes nothing later; a
// number moves to another customer's line only with --yes.
import { managedLine } from '../support/lines';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { lookUpLine, operateOn } from '../../client/lines';
import type { LineView, OperationReport } from '../../domain/line';
import type { OperationPlan } from '../../domain/line-plans';
import { lineWorkflowId } from '../../domain/naming';
import type { Direction } from '../../domain/setup';
import { ExotelClient } from '../../exotel/client';
import { lineQuery } from '../../workflows/line-messages';
import { startHarness, type Harness } from '../support/setup-harness';
import { trunkctl } from '../support/trunkctl';

let h: Harness;
let exotel: ExotelClient;
const line = (...args: string[]) => trunkctl(['line', ...args], { taskQueue: h.taskQueue });
const plan = (...args: string[]) => trunkctl(['plan', ...args], { taskQueue: h.taskQueue });

const lineOf = (direction: Direction, customerId: string): Promise<LineView> => managedLine(h.client, direction, customerId);

const writes = (requests: string[]) => requests.filter((r) => !r.startsWith('GET '));

interface Customer {
  customerId: string;
  trunkSid: string;
}
/** Outbound, one number: the operations on an outbound line, one after another. */
let ops: Customer;
/** Both directions: a command without --direction must say which. */
let both: Customer & { inboundTrunkSid: string };
/** Outbound, three numbers: an operation that waits for a decision. */
let waiting: Customer;

async function outbound(label: string, dids: string[]): Promise<Customer> {
  const customerId = h.customer(label);
  await (await h.startOutbound({ customerId, dids })).handle.result();
  return { customerId, trunkSid: (await lineOf('outbound', customerId)).line.trunk?.sid ?? '' };
}

beforeAll(async () => {
  h = await startHarness();
  exotel = new ExotelClient({ ...h.exotelAccount });
  const bothId = h.customer('both');
  const [a, c] = await Promise.all([
    outbound('ops', ['+919855500001']),
    outbound('waiting', ['+919855500031', '+919855500032', '+919855500033']),
    h.startOutbound({ customerId: bothId, dids: ['+919855500021'] }).then(async (s) => {
      await s.handle.result();
    }),
    h.startInbound({ customerId: bothId, did: '+919855500022', destinations: ['old.example.com:5061;transport=tls'] }).then(async (s) => {
      await s.handle.result();
    }),
  ]);
  ops = a;
  waiting = c;
  const [bOut, bIn] = await Promise.all([lineOf('outbound', bothId), lineOf('inbound', bothId)]);
  both = { customerId: bothId, trunkSid: bOut.line.trunk?.sid ?? '', inboundTrunkSid: bIn.line.trunk?.sid ?? '' };
});
afterAll(() => h.stop());
beforeEach(async () => {
  await h.admin.clearFaults();
  await h.mark();
});

describe('help', () => {
  it.each(['plan', 'line', 'plan remove-did', 'line rotate', 'line show', 'line import', 'line decide', 'plan adopt', 'line adopt', 'plan move-did', 'line move-did'])('%s --help shows its options and an example', async (command) => {
    const words = command.split(' ');
    const run = await trunkctl([...words, '--help']);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain(`Usage: trunkctl ${words.join(' ')}`);
    expect(run.stdout).toMatch(/Examples?:\n {2}trunkctl /);
  });
});

describe('plan', () => {
  it('reads what Exotel holds and prints the requests an add-did would send, without writing anything', async () => {
    // Pasted with spaces: the parser trims.
    const run = await plan('add-did', ops.customerId, '--did', ' +919855500002 ', '--json');
    expect(run.code, run.stderr).toBe(0);
    const planned = JSON.parse(run.stdout) as OperationPlan;
    expect(planned.operation).toEqual({ kind: 'add-dids', dids: ['+919855500002'] });
    expect(planned.steps).toEqual([
      {
        action: 'map-did',
        did: '+919855500002',
        request: { method: 'POST', path: `/trunks/${ops.trunkSid}/phone-numbers`, body: { phone_number: '+919855500002', mode: 'pstn' }, effect: '+919855500002 can be the caller id of calls from the platform' },
      },
    ]);
    expect(planned).toMatchObject({ refusals: [], destructive: false, fingerprint: expect.stringMatching(/^[A-Za-z0-9]+$/) as string });
    const sent = await h.requestsSinceMark();
    expect(sent).toEqual([expect.stringMatching(/^GET \/trunks\/\{trunk\}\/phone-numbers(\?|$)/)]);
    expect(writes(sent)).toEqual([]);

    const text = await plan('offboard', ops.customerId);
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout).toContain(`DELETE /trunks/${ops.trunkSid}/phone-numbers?id=`);
    expect(text.stdout).toContain('+919855500001 can no longer be the caller id');
    expect(text.stdout).toContain('Destructive: yes');
    expect(text.stdout).toMatch(/Fingerprint: [A-Za-z0-9]+/);
    expect(writes(await h.requestsSinceMark())).toEqual([]);
  });

  it('exits 1 with the refusal when it cannot be done as asked', async () => {
    const run = await plan('remove-did', ops.customerId, '--did', '+919855500099');
    expect(run.code, run.stderr).toBe(1);
    expect(run.stdout).toContain('Refused (nothing will be sent):\n  - +919855500099 is not on this line');
  });
});

describe('line operations on an outbound line', () => {
  it('add-did plans, prints the plan, then maps the number with one request', async () => {
    const run = await line('add-did', ops.customerId, '--did', '+919855500002');
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain(`Plan: add-did +919855500002 on ${ops.customerId}'s outbound line`);
    expect(run.stdout).toContain('done: mapped +919855500002');
    expect(writes(await h.requestsSinceMark())).toEqual(['POST /trunks/{trunk}/phone-numbers']);
    expect((await exotel.listPhoneNumbers(ops.trunkSid)).map((n) => n.phone_number).sort()).toEqual(['+919855500001', '+919855500002']);
  });

  it('remove-did without --yes says which number stops working and deletes nothing; with --yes it unmaps it', async () => {
    const refused = await line('remove-did', ops.customerId, '--did', '+919855500002');
    expect(refused.code).toBe(1);
    expect(refused.stdout).toContain('This stops working for callers:\n  - +919855500002 can no longer be the caller id');
    expect(refused.stdout).toContain('refusing without --yes');
    expect(writes(await h.requestsSinceMark())).toEqual([]);
    expect((await exotel.listPhoneNumbers(ops.trunkSid)).map((n) => n.phone_number)).toContain('+919855500002');

    const run = await line('remove-did', ops.customerId, '--did', '+919855500002', '--yes');
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain('done: unmapped +919855500002');
    expect(writes(await h.requestsSinceMark())).toEqual([expect.stringMatching(/^DELETE \/trunks\/\{trunk\}\/phone-numbers\?id=\d+$/)]);
    expect((await exotel.listPhoneNumbers(ops.trunkSid)).map((n) => n.phone_number)).toEqual(['+919855500001']);
  });

  it('rotate masks the new password; asked again under its id with --reveal it shows it once and sends nothing', async () => {
    const before = (await exotel.listCredentials(ops.trunkSid)).map((c) => c.user_name);
    const operationId = `rotate-${ops.customerId}`;
    const run = await line('rotate', ops.customerId, '--operation-id', operationId);
    expect(run.code, run.stderr).toBe(0);
    const after = (await exotel.listCredentials(ops.trunkSid)).map((c) => c.user_name);
    const [created] = after.filter((u) => !before.includes(u));
    expect(after).toHaveLength(2);
    expect(run.stdout).toMatch(new RegExp(`Digest user name +${created}`));
    expect(run.stdout).toMatch(/Digest password +\*{8} \(use --reveal to show\)/);
    expect(run.stdout).toContain(`trunkctl line confirm-rotation ${ops.customerId} --yes`);
    await h.mark();

    const revealed = await line('rotate', ops.customerId, '--operation-id', operationId, '--reveal');
    expect(revealed.code, revealed.stderr).toBe(0);
    const password = /Digest password +([A-Za-z0-9]{32})\n/.exec(revealed.stdout)?.[1] ?? '';
    expect(password).toMatch(/^[A-Za-z0-9]{32}$/);
    expect(revealed.stdout.split(password)).toHaveLength(2);
    expect(run.stdout).not.toContain(password);
    expect(await h.requestsSinceMark()).toEqual([]);

    const json = await line('rotate', ops.customerId, '--operation-id', operationId, '--json');
    expect(json.code, json.stderr).toBe(0);
    const answer = JSON.parse(json.stdout) as { outcome: string; repeated: boolean; report: OperationReport };
    expect(answer).toMatchObject({ outcome: 'done', repeated: true, report: { issuedCredential: { userName: created, password: '******** (use --reveal to show)' } } });
    expect(json.stdout).not.toContain(password);
  });

  it('confirm-rotation deletes the old credential only with --yes', async () => {
    const view = await lineOf('outbound', ops.customerId);
    const newUser = view.line.pendingRotation?.userName;
    const oldUser = view.line.credentials.find((c) => c.userName !== newUser)?.userName ?? '?';
    const refused = await line('confirm-rotation', ops.customerId);
    expect(refused.code).toBe(1);
    expect(refused.stdout).toContain(`${oldUser} stops working`);
    expect(writes(await h.requestsSinceMark())).toEqual([]);

    const run = await line('confirm-rotation', ops.customerId, '--yes');
    expect(run.code, run.stderr).toBe(0);
    expect((await exotel.listCredentials(ops.trunkSid)).map((c) => c.user_name)).toEqual([newUser]);
    expect((await lineOf('outbound', ops.customerId)).line.pendingRotation).toBeUndefined();
  });

  it('show prints the record: numbers with who mapped them, user names only, recent operations', async () => {
    const json = await line('show', ops.customerId, '--json');
    expect(json.code, json.stderr).toBe(0);
    const [entry, ...more] = JSON.parse(json.stdout) as { direction: string; state: string; workflowId: string; view: LineView }[];
    expect(more).toEqual([]);
    expect(entry).toMatchObject({ direction: 'outbound', state: 'managed', workflowId: lineWorkflowId('outbound', ops.customerId) });
    expect(entry?.view.line.numbers.map((n) => [n.did, n.origin, n.mayDelete])).toEqual([['+919855500001', 'created', true]]);
    expect(entry?.view.line.credentials).toHaveLength(1);
    expect(entry?.view.recent.map((r) => [r.operation.kind, r.state])).toEqual([
      ['add-dids', 'done'],
      ['remove-dids', 'done'],
      ['rotate-credential', 'done'],
      ['confirm-rotation', 'done'],
    ]);
    expect(json.stdout).not.toMatch(/password/i);

    const text = await line('show', ops.customerId);
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout).toContain(`${ops.customerId} outbound line: active`);
    expect(text.stdout).toMatch(/\+919855500001 +pstn +\d+ +created +yes/);
    expect(text.stdout).toContain('Credentials (user names only: passwords are never kept)');
  });

  it('offboard --yes deletes what the line owns and ends it; a second offboard is harmless', async () => {
    const run = await line('offboard', ops.customerId, '--yes');
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain(`deleted trunk ${ops.trunkSid}`);
    expect((await lookUpLine(h.client, 'outbound', ops.customerId)).state).toBe('offboarded');
    const trunks = (await h.admin.state()).accounts[h.exotelAccount.accountSid]?.trunks ?? [];
    expect(trunks.some((t) => t.trunk_sid === ops.trunkSid)).toBe(false);
    await h.mark();

    const again = await line('offboard', ops.customerId, '--yes');
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toMatch(new RegExp(`nothing to offboard: ${ops.customerId}'s outbound line was already offboarded on \\d{4}-\\d\\d-\\d\\dT`));
    const changed = await line('add-did', ops.customerId, '--did', '+919855500003');
    expect(changed.code).toBe(1);
    expect(changed.stderr).toContain(`${ops.customerId}'s outbound line was offboarded on`);
    expect(await h.requestsSinceMark()).toEqual([]);
  });
});

describe('a customer with both lines', () => {
  it('set-destinations goes to the inbound line without --direction: new one first, the old one only with --yes', async () => {
    const refused = await line('set-destinations', both.customerId, '--destination', ' sip:NEW.example.com:5061;transport=tls ');
    expect(refused.code).toBe(1);
    expect(refused.stdout).toContain(`Plan: set-destinations new.example.com:5061;transport=tls on ${both.customerId}'s inbound line`);
    expect(refused.stdout).toContain('calls no longer go to old.example.com:5061;transport=tls');
    expect(writes(await h.requestsSinceMark())).toEqual([]);

    const run = await line('set-destinations', both.customerId, '--destination', 'new.example.com:5061;transport=tls', '--yes');
    expect(run.code, run.stderr).toBe(0);
    expect(writes(await h.requestsSinceMark())).toEqual(['POST /trunks/{trunk}/destination-uris', expect.stringMatching(/^DELETE \/trunks\/\{trunk\}\/destination-uris\?id=\d+$/)]);
    expect((await exotel.listDestinationUris(both.inboundTrunkSid)).map((d) => d.destination)).toEqual([expect.stringContaining('new.example.com:5061')]);
  });

  it('an operation that fits both lines needs --direction; show shows both', async () => {
    const run = await line('add-did', both.customerId, '--did', '+919855500023');
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(lineWorkflowId('outbound', both.customerId));
    expect(run.stderr).toContain(lineWorkflowId('inbound', both.customerId));
    expect(run.stderr).toContain('say --direction outbound or --direction inbound');
    expect(await h.requestsSinceMark()).toEqual([]);

    const shown = await line('show', both.customerId);
    expect(shown.code, shown.stderr).toBe(0);
    expect(shown.stdout).toContain(`${both.customerId} outbound line: active`);
    expect(shown.stdout).toContain(`${both.customerId} inbound line: active`);
    expect(shown.stdout).toMatch(/new\.example\.com:5061;transport=tls +\d+ +created/);
  });

  it('import --dry-run finds their setups already managed and starts nothing', async () => {
    const run = await line('import', '--dry-run', '--limit', '1000', '--json');
    // Other test files' setups share the server: only this customer's are asserted.
    expect([0, 1], run.stderr).toContain(run.code);
    const { dryRun, outcomes } = JSON.parse(run.stdout) as { dryRun: boolean; outcomes: { customerId: string; direction: string; outcome: string }[] };
    expect(dryRun).toBe(true);
    expect(outcomes.filter((o) => o.customerId === both.customerId).map((o) => [o.direction, o.outcome]).sort()).toEqual([
      ['inbound', 'already-managed'],
      ['outbound', 'already-managed'],
    ]);
  });
});

describe('adopt a trunk made by hand', () => {
  let customerId: string;
  let trunk: { trunk_sid: string; trunk_name: string };
  const did = '+919855500051';
  const adoptFlags = () => [customerId, '--did', did, '--account', h.exotelAccount.accountSid, '--direction', 'outbound'];

  beforeAll(async () => {
    customerId = h.customer('adopt');
    // What someone's curl commands leave behind: a trunk, two numbers and a credential this project never made.
    trunk = await exotel.createTrunk(`hand${Date.now().toString(36).slice(-8)}`);
    await exotel.mapPhoneNumber(trunk.trunk_sid, did, 'pstn');
    await exotel.mapPhoneNumber(trunk.trunk_sid, '+919855500052', 'pstn');
    await exotel.createCredential(trunk.trunk_sid, { userName: 'byhand51', password: 'Secret_password_123', friendlyName: 'byhand' });
  });

  it('plan adopt reads only: what it takes over, what it leaves, and the flags that take the rest; the line it started ends by itself', async () => {
    const run = await plan('adopt', ...adoptFlags(), '--json');
    expect(run.code, run.stderr).toBe(0);
    const planned = JSON.parse(run.stdout) as OperationPlan;
    expect(planned.operation).toEqual({ kind: 'adopt', did });
    expect(planned.steps.map((s) => (s.action === 'take-over' ? [s.part, s.label, s.mayDelete] : [s.action]))).toEqual([
      ['trunk', trunk.trunk_name, false],
      ['number', did, false],
    ]);
    expect(planned).toMatchObject({ refusals: [], destructive: false });
    const sent = await h.requestsSinceMark();
    expect(sent[0]).toBe(`GET /trunk-maps?exophone=${encodeURIComponent(did)}`);
    expect(sent.length).toBeGreaterThan(1);
    expect(writes(sent)).toEqual([]);

    const text = await plan('adopt', ...adoptFlags());
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout).toContain(`Plan: adopt ${did} into ${customerId}'s outbound line, Exotel account ${h.exotelAccount.accountSid}`);
    expect(text.stdout).toContain('Sends no writes');
    expect(text.stdout).toMatch(new RegExp(`Taken over \\(managed by the line from now on\\):\\n {2}- trunk ${trunk.trunk_name} is managed`));
    expect(text.stdout).toContain('Left as they are, not managed:\n  - number:+919855500052\n  - credential:byhand51');
    expect(text.stdout).toContain('(to take them too: --take number:+919855500052 --take credential:byhand51, or --take-all)');
    expect(text.stdout).toContain('Destructive: no');
    expect(writes(await h.requestsSinceMark())).toEqual([]);

    // The empty line the plan ran in manages nothing: it ends by itself, and the customer still has no line.
    await h.client.workflow.getHandle(lineWorkflowId('outbound', customerId)).result();
    expect((await lookUpLine(h.client, 'outbound', customerId)).state).toBe('absent');
  });

  it('line adopt --take credential: takes over the trunk, its number and that credential, sending nothing; show says adopted, never deleted', async () => {
    const run = await line('adopt', ...adoptFlags(), '--take', 'credential:byhand51');
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain('Sends no writes');
    expect(run.stdout).toContain('done: took over trunk');
    expect(run.stdout).toContain(`Managed now by ${customerId}'s outbound line`);
    expect(run.stdout).toContain('credential byhand51: adopted, may delete: no');
    expect(writes(await h.requestsSinceMark())).toEqual([]);

    const json = await line('show', customerId, '--json');
    expect(json.code, json.stderr).toBe(0);
    const [entry] = JSON.parse(json.stdout) as { state: string; view: LineView }[];
    expect(entry?.state).toBe('managed');
    const managed = entry?.view.line;
    expect(managed?.trunk).toMatchObject({ sid: trunk.trunk_sid, origin: 'adopted', mayDelete: false });
    expect(managed?.numbers.map((n) => [n.did, n.origin, n.mayDelete])).toEqual([[did, 'adopted', false]]);
    expect(managed?.credentials.map((c) => [c.userName, c.origin, c.mayDelete])).toEqual([['byhand51', 'adopted', false]]);

    // The line is on its account: another --account is a usage error, before anything is read.
    await h.mark();
    const elsewhere = await line('adopt', customerId, '--did', did, '--account', 'acme_sg', '--direction', 'outbound');
    expect(elsewhere.code).toBe(2);
    expect(elsewhere.stderr).toContain(`${customerId}'s outbound line is on Exotel account ${h.exotelAccount.accountSid}`);
    expect(await h.requestsSinceMark()).toEqual([]);
  });

  it('offboard --yes afterwards deletes nothing on Exotel and ends the line offboarded', async () => {
    const run = await line('offboard', customerId, '--yes');
    expect(run.code, run.stderr).toBe(0);
    expect(writes(await h.requestsSinceMark())).toEqual([]);
    expect((await exotel.listTrunks()).map((t) => t.trunk_sid)).toContain(trunk.trunk_sid);
    expect((await exotel.listPhoneNumbers(trunk.trunk_sid)).map((n) => n.phone_number).sort()).toEqual([did, '+919855500052']);
    expect((await exotel.listCredentials(trunk.trunk_sid)).map((c) => c.user_name)).toEqual(['byhand51']);
    expect((await lookUpLine(h.client, 'outbound', customerId)).state).toBe('offboarded');
  });
});

describe('move a DID to another customer', () => {
  let from: Customer;
  let to: Customer;
  /** Set up, then offboarded: no line to move a number to. */
  let gone: Customer;
  const did = '+919855500062';
  beforeAll(async () => {
    [from, to, gone] = await Promise.all([outbound('move-from', ['+919855500061', did]), outbound('move-to', ['+919855500063']), outbound('move-gone', ['+919855500064'])]);
    expect((await operateOn(h.client, 'outbound', gone.customerId, { operation: { kind: 'offboard' }, confirm: true })).state).toBe('done');
  });
  const numbersOn = async (trunkSid: string) => (await exotel.listPhoneNumbers(trunkSid)).map((n) => n.phone_number).sort();

  it('plan move-did finds the target line’s trunk and plans on the source line, reading only', async () => {
    const run = await plan('move-did', from.customerId, '--did', did, '--to', to.customerId, '--json');
    expect(run.code, run.stderr).toBe(0);
    const planned = JSON.parse(run.stdout) as OperationPlan;
    expect(planned.operation).toEqual({ kind: 'move-did', did, toCustomerId: to.customerId, toTrunkSid: to.trunkSid });
    expect(planned.steps.map((s) => s.action)).toEqual(['map-did-on-target', 'unmap-did', 'hand-over-did']);
    expect(planned.destructive).toBe(true);
    expect(writes(await h.requestsSinceMark())).toEqual([]);
  });

  it('without --yes it is refused and nothing is sent', async () => {
    const run = await line('move-did', from.customerId, '--did', did, '--to', to.customerId);
    expect(run.code).toBe(1);
    expect(run.stdout).toContain(`Plan: move-did ${did} to ${to.customerId} (trunk ${to.trunkSid}) on ${from.customerId}'s outbound line`);
    expect(run.stdout).toContain('refusing without --yes: nothing was sent');
    expect(writes(await h.requestsSinceMark())).toEqual([]);
    expect(await numbersOn(from.trunkSid)).toEqual(['+919855500061', did]);
  });

  it('with --yes the number ends on the target trunk only, the target line lists it, and the output says it was unrouted for a request', async () => {
    const run = await line('move-did', from.customerId, '--did', did, '--to', to.customerId, '--yes');
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain('done: ');
    // The simulator's default keeps a number on one trunk of the account (Exotel's 1008): unmapped, then mapped.
    expect(run.stdout).toContain(`Routing: ${did} was unrouted for about one request`);
    expect(await numbersOn(to.trunkSid)).toEqual([did, '+919855500063']);
    expect(await numbersOn(from.trunkSid)).toEqual(['+919855500061']);

    const shown = await line('show', to.customerId, '--json');
    expect(shown.code, shown.stderr).toBe(0);
    const [entry] = JSON.parse(shown.stdout) as { view: LineView }[];
    expect(entry?.view.line.numbers.map((n) => n.did).sort()).toEqual([did, '+919855500063']);
    expect((await lineOf('outbound', from.customerId)).line.numbers.map((n) => n.did)).toEqual(['+919855500061']);
  });

  it('a target with no running line is said before anything is read on Exotel', async () => {
    const never = h.customer('never-target');
    const absent = await line('move-did', from.customerId, '--did', '+919855500061', '--to', never, '--yes');
    expect(absent.code).toBe(1);
    expect(absent.stderr).toContain(`${never} has no outbound line (never set up)`);
    const offboarded = await plan('move-did', from.customerId, '--did', '+919855500061', '--to', gone.customerId);
    expect(offboarded.code).toBe(1);
    expect(offboarded.stderr).toContain(`${gone.customerId}'s outbound line was offboarded on`);
    expect(await h.requestsSinceMark()).toEqual([]);
    expect(await numbersOn(from.trunkSid)).toEqual(['+919855500061']);
  });

  it('import --dry-run reports this file’s running lines as already managed', async () => {
    const run = await line('import', '--dry-run', '--limit', '1000', '--json');
    // Other test files' setups share the server: only the shape and this file's customers are asserted.
    expect([0, 1], run.stderr).toContain(run.code);
    const { outcomes } = JSON.parse(run.stdout) as { outcomes: { customerId: string; direction: Direction; setupWorkflowId: string; outcome: string }[] };
    expect(Array.isArray(outcomes)).toBe(true);
    for (const o of outcomes) {
      expect(o).toMatchObject({ customerId: expect.any(String) as string, setupWorkflowId: expect.any(String) as string });
      expect(['outbound', 'inbound']).toContain(o.direction);
      expect(['imported', 'already-managed', 'offboarded', 'unreadable']).toContain(o.outcome);
    }
    const ours = [ops, waiting, both, from, to, gone].map((c) => c.customerId);
    const reported = outcomes.filter((o) => ours.includes(o.customerId));
    for (const customerId of ours) {
      for (const direction of ['outbound', 'inbound'] as const) {
        if ((await lookUpLine(h.client, direction, customerId)).state !== 'managed') continue;
        expect(reported.filter((o) => o.customerId === customerId && o.direction === direction).map((o) => o.outcome)).toEqual(['already-managed']);
      }
    }
    // from, to and both's two lines run; gone's line ended offboarded, and an old setup does not bring it back.
    expect(reported.filter((o) => o.outcome === 'already-managed').length).toBeGreaterThanOrEqual(4);
    expect(reported.filter((o) => o.customerId === gone.customerId).map((o) => o.outcome)).toEqual(['offboarded']);
  });
});

describe('an operation that waits for a decision', () => {
  it('exits 3 with the decide commands; line decide rollback undoes it', async () => {
    // The second unmap is refused for good, after the first landed.
    await h.admin.addFault({ method: 'DELETE', path: '/phone-numbers', kind: 'status', status: 400, skip: 1 });
    const { customerId, trunkSid } = waiting;
    const run = await line('remove-did', customerId, '--did', '+919855500032', '--did', '+919855500033', '--yes');
    expect(run.code, run.stderr).toBe(3);
    expect(run.stdout).toContain('waiting for a decision');
    expect(run.stdout).toContain(`trunkctl line decide ${customerId} retry --direction outbound`);
    expect(run.stdout).toContain(`trunkctl line decide ${customerId} rollback --direction outbound`);

    const decided = await line('decide', customerId, 'rollback', '--note', 'test');
    expect(decided.code, decided.stderr).toBe(0);
    expect(decided.stdout).toContain('will roll back');
    const handle = h.client.workflow.getHandle(lineWorkflowId('outbound', customerId));
    for (;;) {
      const { recent } = await handle.query(lineQuery);
      const report = recent.find((r) => r.operation.kind === 'remove-dids');
      if (report) {
        expect(report.state).toBe('rolled-back');
        break;
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    expect((await exotel.listPhoneNumbers(trunkSid)).map((n) => n.phone_number).sort()).toEqual(['+919855500031', '+919855500032', '+919855500033']);

    const nothing = await line('decide', customerId, 'retry');
    expect(nothing.code).toBe(1);
    expect(nothing.stderr).toContain('waits for a decision');
  });
});

describe('absent lines and bad input', () => {
  it('says a customer that was never set up has no line; offboarding it is harmless', async () => {
    const never = h.customer('never');
    const shown = await line('show', never);
    expect(shown.code).toBe(1);
    expect(shown.stdout).toContain(`${never} has no outbound or inbound line: it was never set up (or run \`trunkctl line import\`)`);
    const planned = await plan('add-did', never, '--direction', 'inbound', '--did', '+919855500041');
    expect(planned.code).toBe(1);
    expect(planned.stderr).toContain(`${never} has no inbound line: it was never set up`);
    const offboard = await line('offboard', never, '--yes');
    expect(offboard.code, offboard.stderr).toBe(0);
    expect(offboard.stdout).toContain(`nothing to offboard: ${never} was never set up`);
  });

  it('refuses a DID not in E.164 and a bad destination with the field, the value and the rule, exit 2, before any request', async () => {
    const json = await line('add-did', waiting.customerId, '--did', '98000', '--json');
    expect(json.code).toBe(2);
    expect(json.stdout).toBe('');
    const error = JSON.parse(json.stderr) as { issues: { field: string; value: string; rule: string }[]; exitCode: number };
    expect(error.exitCode).toBe(2);
    expect(error.issues).toEqual([{ field: 'operation.dids[0]', value: '98000', rule: expect.stringMatching(/^must be E\.164/) as string }]);

    const text = await plan('set-destinations', both.customerId, '--destination', 'x.example.com:5060;transport=udp');
    expect(text.code).toBe(2);
    expect(text.stderr).toContain('operation.destinations[0] = "x.example.com:5060;transport=udp": UDP is not supported');
    expect(await h.requestsSinceMark()).toEqual([]);
  });

  it('adopt: a DID not in E.164 is exit 2 naming operation.did; a customer with no line needs --account, one no worker serves is said', async () => {
    const bad = await line('adopt', 'x', '--did', '98', '--account', 'acme_in', '--direction', 'outbound');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('operation.did = "98": must be E.164');
    const never = h.customer('adopt-never');
    const noAccount = await plan('adopt', never, '--did', '+919855500071', '--direction', 'outbound');
    expect(noAccount.code).toBe(2);
    expect(noAccount.stderr).toContain(`--account is required: ${never} has no running outbound line`);
    const noDirection = await plan('adopt', never, '--did', '+919855500071', '--account', 'acme_in');
    expect(noDirection.code).toBe(2);
    expect(noDirection.stderr).toContain('--direction is required');
    const unserved = await plan('adopt', never, '--did', '+919855500071', '--account', 'nobody_serves_this', '--direction', 'outbound');
    expect(unserved.code).toBe(1);
    expect(unserved.stderr).toContain('no worker serves Exotel account nobody_serves_this');
    expect(await h.requestsSinceMark()).toEqual([]);
    expect((await lookUpLine(h.client, 'outbound', never)).state).toBe('absent');
  });
});

describe('rotation policy and repair', () => {
  it('sets and stops a rotation policy, and repairs a number unmapped by hand', async () => {
    const own = await outbound('policy-cli', ['+919855500041', '+919855500042']);
    const set = await line('rotation-policy', own.customerId, '--every-days', '30', '--confirm-within', '7d', '--direction', 'outbound');
    expect(set.code, set.stdout + set.stderr).toBe(0);
    expect((await lineOf('outbound', own.customerId)).line.rotationPolicy).toMatchObject({ everyDays: 30, confirmWithin: '7d' });
    const bad = await line('rotation-policy', own.customerId, '--every-days', '0.5', '--direction', 'outbound');
    expect(bad.code).toBe(2);
    expect(bad.stderr + bad.stdout).toContain('operation.everyDays');
    const off = await line('rotation-policy', own.customerId, '--off', '--direction', 'outbound');
    expect(off.code, off.stdout + off.stderr).toBe(0);
    expect((await lineOf('outbound', own.customerId)).line.rotationPolicy).toBeUndefined();

    const mapping = (await lineOf('outbound', own.customerId)).line.numbers.find((n) => n.did === '+919855500042');
    await exotel.deletePhoneNumber(own.trunkSid, mapping?.mappingId ?? '');
    await h.mark();
    const repaired = await line('repair', own.customerId, '--direction', 'outbound');
    expect(repaired.code, repaired.stdout + repaired.stderr).toBe(0);
    expect(writes(await h.requestsSinceMark())).toEqual(['POST /trunks/{trunk}/phone-numbers']);
    expect((await exotel.listPhoneNumbers(own.trunkSid)).map((n) => n.phone_number).sort()).toEqual(['+919855500041', '+919855500042']);
  });
});
