// Reading a batch source page by page from real files: line endings, BOM, quoting, blank lines and pages that end
// anywhere must give every row once, with the line it starts on.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBatchFileActivities } from '../../activities/batch-files';
import { BATCH_DEFAULTS, type BatchCursor, type SourceRow } from '../../domain/batch';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'batch-files-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const HEADER = 'direction,customerId,exotelAccountSid,did';
const row = (i: number) => `outbound,cust-${i},acct_1,+9198770${String(i).padStart(5, '0')}`;

function file(name: string, content: string | Buffer): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}

/** Every page from the start, as the batch workflow reads them. */
async function readAll(source: string, limit: number = BATCH_DEFAULTS.pageSize) {
  const files = createBatchFileActivities();
  const rows: SourceRow[] = [];
  const pages: number[] = [];
  let cursor: BatchCursor | null = null;
  let total = 0;
  do {
    const page = await files.readBatchPage({ source, cursor, limit });
    expect(page.rows.length).toBeLessThanOrEqual(limit);
    rows.push(...page.rows);
    pages.push(page.rows.length);
    total = page.total;
    cursor = page.nextCursor;
  } while (cursor !== null && pages.length < 1_000);
  return { rows, pages, total };
}

describe('readBatchPage', () => {
  it('reads a 450-row CRLF file page by page: every row a setup request, none duplicate or invalid', async () => {
    const rows = Array.from({ length: 450 }, (_, i) => row(i + 1));
    const source = file('crlf-450.csv', [HEADER, ...rows].join('\r\n') + '\r\n');
    const read = await readAll(source);
    expect(read.total).toBe(450);
    expect(read.rows.filter((r) => r.duplicateOfLine !== undefined || r.invalid !== undefined)).toEqual([]);
    expect(read.pages).toEqual([200, 200, 50]);
    expect(read.rows.map((r) => r.request?.input.customerId)).toEqual(rows.map((_, i) => `cust-${i + 1}`));
    expect(read.rows.map((r) => r.line)).toEqual(rows.map((_, i) => i + 2));
  });
});
