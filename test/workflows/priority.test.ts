// Who goes first on an account's budget, read from the order the simulator received requests in, with a budget
// small enough (one request a second) that work queues up: a signup overtakes a batch's backlog, and two batches
// share the budget instead of the second waiting for the first.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBatch } from '../../client/batches';
import { trunkNameFor } from '../../domain/naming';
import type { LoggedRequest } from '../../simulator';
import { startHarness, type Harness } from '../support/setup-harness';

let h: Harness;
const dir = mkdtempSync(join(tmpdir(), 'priority-'));
beforeAll(async () => {
  // 4 requests per 2 s is a queue rate of one a second (worker/create-worker.ts keeps two seconds of margin).
  h = await startHarness({}, { requestBudget: { requests: 4, perSeconds: 2 } });
});
afterAll(() => h.stop());

let dids = 0;
const did = () => `+9198555${String(++dids).padStart(5, '0')}`;

function batchFile(name: string, customers: string[]): string {
  const file = join(dir, `${name}.csv`);
  writeFileSync(file, ['direction,customerId,exotelAccountSid,did', ...customers.map((c) => `outbound,${c},${h.exotelAccount.accountSid},${did()}`)].join('\n'));
  return file;
}

/** Which customer each logged request was for: POST /trunks by its body's name, the rest by the trunk in the path. */
async function customersOf(requests: LoggedRequest[], customers: string[]): Promise<string[]> {
  const trunks = (await h.admin.state()).accounts[h.exotelAccount.accountSid]?.trunks ?? [];
  const byName = new Map(customers.map((c) => [trunkNameFor(c, 'outbound'), c]));
  const bySid = new Map(trunks.map((t) => [t.trunk_sid, byName.get(t.trunk_name)]));
  return requests.map((r) => {
    const name = (r.body as { trunk_name?: string } | null)?.trunk_name;
    const sid = /\/trunks\/([^/]+)/.exec(r.path)?.[1] ?? r.query.trunk_sid;
    return (name ? byName.get(name) : sid ? bySid.get(sid) : undefined) ?? '?';
  });
}

async function untilLogged(count: number): Promise<number> {
  for (;;) {
    const seq = (await h.admin.requests()).at(-1)?.seq ?? 0;
    if (seq >= count) return seq;
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('priorities on an account budget', () => {
  it("puts a signup's requests ahead of a batch's backlog", { timeout: 180_000 }, async () => {
    const before = (await h.admin.requests()).at(-1)?.seq ?? 0;
    const batchCustomers = [1, 2, 3, 4, 5].map((i) => h.customer(`bulk${i}`));
    const batch = await startBatch(h.client, batchFile('backlog', batchCustomers), { taskQueue: h.taskQueue, window: 5 });
    // The batch's five first requests are queued; one has gone out.
    const startedAt = await untilLogged(before + 1);
    const signup = h.customer('signup');
    const started = await h.startOutbound({ customerId: signup, did: did() });
    await started.handle.result();
    await batch.result();

    const after = (await h.admin.requests()).filter((r) => r.seq > startedAt);
    const order = await customersOf(after, [...batchCustomers, signup]);
    const mine = order.flatMap((c, i) => (c === signup ? [i] : []));
    expect(mine).toHaveLength(3);
    // First come, first served would put the signup behind the four queued batch requests; with its priority it
    // goes next, one request in flight aside.
    expect(Math.max(...mine), order.join(' ')).toBeLessThan(5);
  });

  it('shares the budget between two batches rather than running the second after the first', { timeout: 180_000 }, async () => {
    const before = (await h.admin.requests()).at(-1)?.seq ?? 0;
    const first = [1, 2, 3, 4, 5, 6].map((i) => h.customer(`first${i}`));
    const second = [1, 2].map((i) => h.customer(`second${i}`));
    const a = await startBatch(h.client, batchFile('first', first), { taskQueue: h.taskQueue, window: 6 });
    const startedAt = await untilLogged(before + 1);
    const b = await startBatch(h.client, batchFile('second', second), { taskQueue: h.taskQueue, window: 2 });
    await Promise.all([a.result(), b.result()]);

    const order = await customersOf((await h.admin.requests()).filter((r) => r.seq > startedAt), [...first, ...second]);
    const ofSecond = order.flatMap((c, i) => (second.includes(c) ? [i] : []));
    expect(ofSecond).toHaveLength(6);
    // Queued in order, the second batch would wait for the first's five queued requests; shared, it starts at once.
    expect(ofSecond[0], order.join(' ')).toBeLessThan(3);
    // And it is not served only after the first is done: the first batch still has requests after the second's first.
    expect(order.slice((ofSecond[0] ?? 0) + 1).some((c) => first.includes(c))).toBe(true);
  });
});
