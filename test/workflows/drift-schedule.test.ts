// An account's drift Schedule lives in Temporal's database: it survives a server restart with its interval, its
// scan's settings and its pause, and fires afterwards. Its own dev server on a database file, restarted here.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { afterAll, describe, expect, it } from 'vitest';
import { deleteDriftSchedule, upsertDriftSchedule } from '../../client/drift';
import { driftScheduleId } from '../../domain/naming';
import { freePorts, startDevServer, type DevServer } from '../../scripts/dev-server';

const dir = mkdtempSync(join(tmpdir(), 'drift-schedule-'));
let server: DevServer | undefined;
afterAll(async () => {
  await server?.stop();
  rmSync(dir, { recursive: true, force: true });
});

async function clientOf(address: string): Promise<{ client: Client; close(): Promise<void> }> {
  const connection = await Connection.connect({ address });
  return { client: new Client({ connection }), close: () => connection.close() };
}

describe('the drift Schedule', () => {
  it('survives a Temporal server restart and fires after it', { timeout: 180_000 }, async () => {
    const [port] = await freePorts(1);
    const dbFile = join(dir, 'temporal.db');
    server = await startDevServer({ port, dbFile, uiPort: false });
    const first = await clientOf(server.address);
    const created = await upsertDriftSchedule(first.client, { exotelAccountSid: 'acme_in', every: '1h', share: 0.3 }, { taskQueue: 'nobody-polls-this' });
    expect(created).toEqual({ scheduleId: driftScheduleId('acme_in'), created: true });
    const updated = await upsertDriftSchedule(first.client, { exotelAccountSid: 'acme_in', every: '2h', share: 0.3, paused: true }, { taskQueue: 'nobody-polls-this' });
    expect(updated.created).toBe(false);
    await first.close();

    await server.stop();
    server = await startDevServer({ port, dbFile, uiPort: false });
    const second = await clientOf(server.address);
    try {
      const handle = second.client.schedule.getHandle(driftScheduleId('acme_in'));
      const described = await handle.describe();
      expect(described.state.paused).toBe(true);
      expect(described.spec.intervals?.[0]?.every).toBe(2 * 3_600_000);
      expect(described.action).toMatchObject({ workflowType: 'driftScan', args: [{ exotelAccountSid: 'acme_in', share: 0.3 }] });
      expect(described.policies.overlap).toBe('SKIP');

      await handle.unpause();
      await handle.trigger();
      for (let i = 0; ; i++) {
        const started = [];
        for await (const wf of second.client.workflow.list({ query: "WorkflowType = 'driftScan'" })) started.push(wf);
        if (started.length > 0) break;
        if (i > 100) throw new Error('the Schedule did not start a scan after the restart');
        await new Promise((r) => setTimeout(r, 200));
      }
      expect(await deleteDriftSchedule(second.client, 'acme_in')).toBe(true);
      expect(await deleteDriftSchedule(second.client, 'acme_in')).toBe(false);
    } finally {
      await second.close();
    }
  });
});
