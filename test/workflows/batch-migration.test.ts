// Batch migrations on a real dev server: outcomes per row, duplicates and invalid rows reported, a re-run skipping
// what is done, a CRLF file with a BOM and multi-line cells, pause and resume, continue-as-new, and the Exotel rate
// budget never exceeded.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { batchProgress, pauseBatch, resumeBatch, startBatch } from '../../client/batches';
import { trunkNameFor } from '../../domain/naming';
import type { RowReport } from '../../domain/batch';
import { startHarness, type Harness } from '../support/setup-harness';

let h: Harness;
let dir: string;
beforeAll(async () => {
  // A small budget, scaled down the way the rate tests need: 20 requests in any 10 s.
  h = await startHarness({ rateLimit: { limit: 20, windowMs: 10_000 } }, { requestBudget: { requests: 20, perSeconds: 10 } });
  dir = mkdtempSync(join(tmpdir(), 'batch-test-'));
});
afterAll(() => h.stop());

function csv(name: string, rows: string[]): string {
  const file = join(dir, name);
  writeFileSync(file, ['direction,customerId,exotelAccountSid,did,destinations', ...rows].join('\n') + '\n');
  return file;
}

const reportRows = (file: string) => readFileSync(file, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as RowReport);

describe('batch migration', () => {
  it('sets up each row once, rolls back the one Exotel refuses, reports duplicate and invalid rows, and a re-run skips what is done', { timeout: 180_000 }, async () => {
    const account = h.exotelAccount.accountSid;
    const c = (n: number) => h.customer(`batch${n}`);
    const ids = [c(1), c(2), c(3), c(4), c(5)];
    const file = csv('customers.csv', [
      `outbound,${ids[0]},${account},+919877000001,`,
      `outbound,${ids[1]},${account},+919877000002,`,
      `inbound,${ids[2]},${account},+919877000003,acme.sip.livekit.cloud:5061;transport=tls`,
      `inbound,${ids[3]},${account},+919877000004,198.51.100.7:5061;transport=tls`,
      `outbound,${ids[0]},${account},+919877000001,`,
      `outbound,${ids[4]},${account},98770005,`,
    ]);
    const handle = await startBatch(h.client, file, { taskQueue: h.taskQueue, window: 3, rowsPerRun: 2, pageSize: 2 });
    const report = await handle.result();
    expect(report.counts).toEqual({ succeeded: 3, failed: 1, skipped: 0, duplicates: 1, invalid: 1 });
    expect(report.total).toBe(6);
    const rows = reportRows(report.reportFile).sort((a, b) => a.line - b.line);
    expect(rows.map((r) => [r.line, r.outcome])).toEqual([
      [2, 'succeeded'],
      [3, 'succeeded'],
      [4, 'succeeded'],
      [5, 'failed'],
      [6, 'duplicate'],
      [7, 'invalid'],
    ]);
    expect(rows[3]?.detail).toContain('198.51.100.7');
    expect(rows[4]?.detail).toBe('repeats line 2 (same customer and direction)');
    expect(rows[5]?.detail).toContain('did = "98770005": must be E.164');
    expect(JSON.parse(readFileSync(report.summaryFile, 'utf8'))).toMatchObject({ total: 6, counts: report.counts });

    const trunks = (await h.admin.state()).accounts[account]?.trunks ?? [];
    for (const [id, direction] of [[ids[0], 'outbound'], [ids[1], 'outbound'], [ids[2], 'inbound']] as const) {
      expect(trunks.filter((t) => t.trunk_name === trunkNameFor(id!, direction))).toHaveLength(1);
    }
    expect(trunks.filter((t) => t.trunk_name === trunkNameFor(ids[3]!, 'inbound'))).toEqual([]);

    // Continued as new along the way (two rows per run), and ended in its last run.
    const described = await handle.describe();
    expect(described.runId).not.toBe(handle.firstExecutionRunId);

    const again = await (await startBatch(h.client, file, { taskQueue: h.taskQueue, window: 3 })).result();
    expect(again.counts).toEqual({ succeeded: 0, failed: 1, skipped: 3, duplicates: 1, invalid: 1 });
  });

  it('runs a CRLF file with a BOM and a quoted two-line cell over several pages, reporting the line each row starts on', { timeout: 180_000 }, async () => {
    const account = h.exotelAccount.accountSid;
    const ids = Array.from({ length: 6 }, (_, i) => h.customer(`crlf${i}`));
    const livekit = 'acme1234.india.sip.livekit.cloud:5061;transport=tls';
    const backup = 'sip.rtc.elevenlabs.io:5060;transport=tcp';
    const file = join(dir, 'crlf-bom.csv');
    writeFileSync(
      file,
      '\uFEFF' +
        [
          'direction,customerId,exotelAccountSid,did,destinations',
          `outbound,${ids[0]},${account},+919877030001,`,
          `inbound,${ids[1]},${account},+919877030002,"${livekit}\r\n${backup}"`,
          '',
          `outbound,"${ids[2]}",${account},+919877030003,`,
          `outbound,${ids[3]},${account},+919877030004,`,
          `inbound,${ids[4]},${account},+919877030005,${livekit}`,
          // The last line has no line break.
          `outbound,${ids[5]},${account},+919877030006,`,
        ].join('\r\n'),
    );
    const handle = await startBatch(h.client, file, { taskQueue: h.taskQueue, window: 3, pageSize: 2, rowsPerRun: 3 });
    const report = await handle.result();
    expect(report.counts).toEqual({ succeeded: 6, failed: 0, skipped: 0, duplicates: 0, invalid: 0 });
    expect(report.total).toBe(6);
    const rows = reportRows(report.reportFile).sort((a, b) => a.line - b.line);
    expect(rows.map((r) => [r.line, r.customerId, r.outcome])).toEqual([
      [2, ids[0], 'succeeded'],
      [3, ids[1], 'succeeded'],
      [6, ids[2], 'succeeded'],
      [7, ids[3], 'succeeded'],
      [8, ids[4], 'succeeded'],
      [9, ids[5], 'succeeded'],
    ]);
    const trunks = (await h.admin.state()).accounts[account]?.trunks ?? [];
    const twoLines = trunks.filter((t) => t.trunk_name === trunkNameFor(ids[1]!, 'inbound'));
    expect(twoLines.map((t) => t.destination_uris.map((d) => d.destination))).toEqual([[`sip:${livekit}`, `sip:${backup}`]]);
  });

  it('refuses a window, page size or run size below 1 before starting anything, naming each', async () => {
    const file = csv('options.csv', ['direction,customerId,exotelAccountSid,did', `outbound,${h.customer('opt')},${h.exotelAccount.accountSid},+919812300001`]);
    await expect(startBatch(h.client, file, { taskQueue: h.taskQueue, window: 0, pageSize: 1.5, rowsPerRun: -1 })).rejects.toThrow(
      /window = "0": must be a whole number ≥ 1[\s\S]*pageSize = "1.5"[\s\S]*rowsPerRun = "-1"/,
    );
  });

  it('pauses and resumes, and answers its progress', { timeout: 180_000 }, async () => {
    const account = h.exotelAccount.accountSid;
    const rows = Array.from({ length: 6 }, (_, i) => `outbound,${h.customer(`pause${i}`)},${account},+91987701000${i},`);
    const file = csv('pause.csv', rows);
    const handle = await startBatch(h.client, file, { taskQueue: h.taskQueue, window: 1 });
    await pauseBatch(handle);
    let paused = await batchProgress(handle);
    for (let i = 0; i < 50 && !paused.paused; i++) paused = await batchProgress(handle);
    expect(paused.paused).toBe(true);
    // Paused: the setup already running may finish, no new one starts.
    await new Promise((r) => setTimeout(r, 3_000));
    const held = await batchProgress(handle);
    expect(held.done).toBeLessThanOrEqual(1);
    expect(held.total).toBe(6);
    await resumeBatch(handle);
    const report = await handle.result();
    expect(report.counts.succeeded).toBe(6);
  });

  it('never goes past the account budget: no 429, at most 20 requests in any 10 s', { timeout: 180_000 }, async () => {
    const before = (await h.admin.requests()).length;
    const account = h.exotelAccount.accountSid;
    const rows = Array.from({ length: 12 }, (_, i) => `outbound,${h.customer(`rate${i}`)},${account},+9198772000${String(i).padStart(2, '0')},`);
    const report = await (await startBatch(h.client, csv('rate.csv', rows), { taskQueue: h.taskQueue, window: 12 })).result();
    expect(report.counts.succeeded).toBe(12);
    const log = (await h.admin.requests()).slice(before);
    // Three per customer, and more only if a request had to be retried (a loaded machine can time one out).
    expect(log.length).toBeGreaterThanOrEqual(36);
    expect(log.filter((r) => r.status === 429)).toEqual([]);
    const times = log.map((r) => Date.parse(r.time)).sort((a, b) => a - b);
    let worst = 0;
    for (let i = 0, j = 0; i < times.length; i++) {
      while ((times[i] ?? 0) - (times[j] ?? 0) >= 10_000) j++;
      worst = Math.max(worst, i - j + 1);
    }
    expect(worst).toBeLessThanOrEqual(20);
  });
});
