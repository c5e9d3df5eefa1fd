// Reading a batch source page by page from real files: line endings, BOM, quoting, blank lines and pages that end
// anywhere must give every row once, with the line it starts on.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ApplicationFailure } from '@temporalio/activity';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBatchFileActivities } from '../../activities/batch-files';
import { BATCH_DEFAULTS, type BatchCursor, type SourceRow } from '../../domain/batch';
import type { InboundSetupInput } from '../../domain/setup';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'batch-files-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const HEADER = 'direction,customerId,exotelAccountSid,did,destinations';
const DEST_A = 'a.example.com:5061;transport=tls';
const DEST_B = 'b.example.com:5061;transport=tls';
const did = (i: number) => `+9198770${String(i).padStart(5, '0')}`;
const outbound = (i: number) => `outbound,cust-${i},acct_1,${did(i)},`;
/** An inbound row whose destinations cell is quoted across two lines. */
const inboundTwoLines = (i: number, eol: string) => `inbound,cust-${i},acct_1,${did(i)},"${DEST_A}${eol}${DEST_B}"`;

let files = 0;
function file(content: string | Buffer, ext = 'csv'): string {
  const path = join(dir, `source-${++files}.${ext}`);
  writeFileSync(path, content);
  return path;
}

/** Every page from the start, as the batch workflow reads them. */
async function readAll(source: string, limit: number = BATCH_DEFAULTS.pageSize) {
  const activities = createBatchFileActivities();
  const rows: SourceRow[] = [];
  const pages: number[] = [];
  let cursor: BatchCursor | null = null;
  let total = 0;
  do {
    const page = await activities.readBatchPage({ source, cursor, limit });
    expect(page.rows.length).toBeLessThanOrEqual(limit);
    rows.push(...page.rows);
    pages.push(page.rows.length);
    total = page.total;
    cursor = page.nextCursor;
  } while (cursor !== null && pages.length < 1_000);
  return { rows, pages, total };
}

const problems = (rows: SourceRow[]) => rows.filter((r) => r.duplicateOfLine !== undefined || r.invalid !== undefined);
const ids = (rows: SourceRow[]) => rows.map((r) => r.request?.input.customerId);

/** Each row's line of the file, by the file's own line breaks, starts with that row's direction and customer. */
function expectLinesFound(content: string, rows: SourceRow[]) {
  const lines = content.split(/\r\n|\n|\r/);
  for (const r of rows) expect(lines[r.line - 1]?.replace(/^\uFEFF/, '')).toMatch(new RegExp(`^${r.request?.direction},${r.request?.input.customerId},`));
}

describe('readBatchPage', () => {
  it('reads a 450-row CRLF file page by page: every row a setup request, none duplicate or invalid', async () => {
    const rows = Array.from({ length: 450 }, (_, i) => outbound(i + 1));
    const source = file([HEADER, ...rows].join('\r\n') + '\r\n');
    const read = await readAll(source);
    expect(read.total).toBe(450);
    expect(problems(read.rows)).toEqual([]);
    expect(read.pages).toEqual([200, 200, 50]);
    expect(ids(read.rows)).toEqual(rows.map((_, i) => `cust-${i + 1}`));
    expect(read.rows.map((r) => r.line)).toEqual(rows.map((_, i) => i + 2));
  });

  it.each([
    ['LF', '\n'],
    ['CRLF', '\r\n'],
    ['CR', '\r'],
  ])('reads %s with and without a line break after the last row', async (_name, eol) => {
    for (const last of [eol, '']) {
      const source = file([HEADER, outbound(1), outbound(2), outbound(3)].join(eol) + last);
      const read = await readAll(source, 2);
      expect(read.pages).toEqual([2, 1]);
      expect(problems(read.rows)).toEqual([]);
      expect(read.rows.map((r) => [r.line, r.request?.input.customerId])).toEqual([
        [2, 'cust-1'],
        [3, 'cust-2'],
        [4, 'cust-3'],
      ]);
    }
  });

  it('reads a file of mixed line endings and quoted two-line cells, larger than the read buffer, in any page size', async () => {
    // 3,000 rows (about 140 KB, so records and line breaks straddle the file stream's 64 KiB chunks); every 7th
    // row inbound with its destinations on two lines, the line endings cycling through CRLF, LF and CR.
    const eols = ['\r\n', '\n', '\r'];
    const parts = [HEADER];
    for (let i = 1; i <= 3_000; i++) {
      const eol = eols[i % 3] ?? '\n';
      parts.push((i % 7 === 0 ? inboundTwoLines(i, eol) : outbound(i)) + eol);
    }
    const content = parts[0] + '\r\n' + parts.slice(1).join('');
    const source = file(content);
    // 37: pages end after every kind of line ending and after two-line rows.
    for (const limit of [BATCH_DEFAULTS.pageSize, 37]) {
      const read = await readAll(source, limit);
      expect(read.total).toBe(3_000);
      expect(read.pages).toHaveLength(Math.ceil(3_000 / limit));
      expect(problems(read.rows)).toEqual([]);
      expect(ids(read.rows)).toEqual(Array.from({ length: 3_000 }, (_, i) => `cust-${i + 1}`));
      expectLinesFound(content, read.rows);
      const inbound = read.rows.find((r) => r.request?.input.customerId === 'cust-7');
      expect((inbound?.request?.input as InboundSetupInput).destinations).toEqual([DEST_A, DEST_B]);
    }
  });

  it('does not let a UTF-8 BOM rename the first column', async () => {
    const content = '\uFEFF' + [HEADER, outbound(1), outbound(2)].join('\r\n') + '\r\n';
    const read = await readAll(file(content), 1);
    expect(problems(read.rows)).toEqual([]);
    expect(read.rows.map((r) => [r.line, r.request?.direction, r.request?.input.customerId])).toEqual([
      [2, 'outbound', 'cust-1'],
      [3, 'outbound', 'cust-2'],
    ]);
  });

  it('keeps quoted separators, line breaks and doubled quotes inside their cell, and numbers lines from where a row starts', async () => {
    const content = [
      HEADER,
      inboundTwoLines(1, '\r\n'),
      // A quoted comma and doubled quotes: one cell each, which validation then refuses by its value.
      `outbound,cust-2,acct_1,"+91,9877000002",`,
      `outbound,"cust-""3""",acct_1,${did(3)},`,
      `"inbound","cust-4","acct_1","${did(4)}","${DEST_A}\n\n${DEST_B}"`,
      outbound(5),
    ].join('\r\n');
    const read = await readAll(file(content), 2);
    expect(read.total).toBe(5);
    expect(read.rows.map((r) => [r.line, r.request?.input.customerId ?? r.invalid])).toEqual([
      [2, 'cust-1'],
      [4, expect.stringContaining('did = "+91,9877000002"')],
      [5, expect.stringContaining(`customerId = ${JSON.stringify('cust-"3"')}`)],
      [6, 'cust-4'],
      [9, 'cust-5'],
    ]);
    expect(read.rows.map((r) => (r.request?.input as InboundSetupInput | undefined)?.destinations)).toEqual([[DEST_A, DEST_B], undefined, undefined, [DEST_A, DEST_B], undefined]);
  });

  it('skips blank lines (empty or spaces, any ending, between pages and at the end) without counting them as rows', async () => {
    const content = ['', HEADER, '', outbound(1), '   ', outbound(2), '\r', outbound(3), '', '', ''].join('\n');
    const read = await readAll(file(content), 1);
    expect(read.total).toBe(3);
    expect(problems(read.rows)).toEqual([]);
    expect(read.rows.map((r) => [r.line, r.request?.input.customerId])).toEqual([
      [4, 'cust-1'],
      [6, 'cust-2'],
      // The `\r` line ends in `\r\n`: one blank line, not two.
      [8, 'cust-3'],
    ]);
    expect(read.pages).toEqual([1, 1, 1]);
  });

  it('reports a row with the wrong number of cells as invalid, and the rows around it as they are', async () => {
    const content = [HEADER, outbound(1), 'outbound,cust-2,acct_1', `${outbound(3)},extra`, outbound(4)].join('\r\n');
    const read = await readAll(file(content));
    expect(read.rows.map((r) => [r.line, r.request?.input.customerId ?? r.invalid])).toEqual([
      [2, 'cust-1'],
      [3, 'has 3 cells, the header 5'],
      [4, 'has 6 cells, the header 5'],
      [5, 'cust-4'],
    ]);
  });

  it('reads a customer\'s several numbers from one did cell (space-separated) or a dids column, as one setup', async () => {
    const content = [HEADER, `outbound,cust-1,acct_1,"${did(1)} ${did(2)}  ${did(3)}",`, `outbound,cust-2,acct_1,${did(4)},`].join('\n');
    const read = await readAll(file(content));
    expect(read.rows.map((r) => [r.request?.input.did, r.request?.input.dids])).toEqual([
      [did(1), [did(1), did(2), did(3)]],
      [did(4), undefined],
    ]);
    const json = JSON.stringify({ direction: 'outbound', customerId: 'cust-3', exotelAccountSid: 'acct_1', dids: [did(5), did(6)] });
    expect((await readAll(file(json, 'jsonl'))).rows[0]?.request?.input).toMatchObject({ did: did(5), dids: [did(5), did(6)] });
  });

  it('reports repeats of a customer and direction as duplicates of its first line, across pages', async () => {
    const content = [HEADER, outbound(1), outbound(2), inboundTwoLines(1, '\r\n'), outbound(3), outbound(1), outbound(2)].join('\r\n') + '\r\n';
    const read = await readAll(file(content), 2);
    expect(read.pages).toEqual([2, 2, 2]);
    expect(read.rows.map((r) => [r.line, r.duplicateOfLine ?? r.request?.input.customerId])).toEqual([
      [2, 'cust-1'],
      [3, 'cust-2'],
      // Inbound is another setup of the same customer, not a repeat.
      [4, 'cust-1'],
      [6, 'cust-3'],
      [7, 2],
      [8, 3],
    ]);
    expect(read.rows.map((r) => r.key)).toEqual(['outbound:cust-1', 'outbound:cust-2', 'inbound:cust-1', 'outbound:cust-3', 'outbound:cust-1', 'outbound:cust-2']);
  });

  it.each([
    ['a quote is never closed', `outbound,"cust-x,acct_1,${did(9)},`, 'Quote Not Closed'],
    ['a quoted cell goes on after its closing quote', `outbound,"cust-x"y,acct_1,${did(9)},`, 'Invalid Closing Quote'],
    ['an unquoted cell holds a quote', `outbound,cust-"x",acct_1,${did(9)},`, 'Invalid Opening Quote'],
  ])('fails the source, naming the line, when %s', async (_what, bad, why) => {
    // Past the first read chunk, after a two-line row: the line is counted, not taken from the parser.
    const rows = [...Array.from({ length: 2_000 }, (_, i) => outbound(i + 1)), inboundTwoLines(2_001, '\r\n'), bad, outbound(2_002)];
    const err = await readAll(file([HEADER, ...rows].join('\r\n'))).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApplicationFailure);
    expect(err).toMatchObject({ type: 'InvalidBatchSource', nonRetryable: true });
    expect((err as Error).message).toContain(`the row starting at line 2004 is not valid CSV (${why})`);
  });

  it('gives no rows for an empty file, a header alone, or blank lines alone', async () => {
    for (const [content, ext] of [['', 'csv'], [HEADER, 'csv'], [`\uFEFF${HEADER}\r\n\r\n`, 'csv'], ['', 'jsonl'], ['\r\n\n', 'jsonl']] as const) {
      expect(await readAll(file(content, ext))).toEqual({ rows: [], pages: [0], total: 0 });
    }
  });

  it('reads JSON lines with CRLF, a BOM, blank lines and no line break at the end, page by page', async () => {
    const json = (i: number) => JSON.stringify({ direction: 'outbound', customerId: `cust-${i}`, exotelAccountSid: 'acct_1', did: did(i) });
    const lines = Array.from({ length: 450 }, (_, i) => json(i + 1));
    lines.splice(300, 0, '', '{"direction": "outbound", "customerId": ');
    const content = '\uFEFF' + lines.join('\r\n');
    const read = await readAll(file(content, 'jsonl'));
    expect(read.total).toBe(451);
    expect(read.pages).toEqual([200, 200, 51]);
    expect(problems(read.rows)).toEqual([{ line: 302, invalid: 'not valid JSON' }]);
    const good = read.rows.filter((r) => r.request);
    expect(ids(good)).toEqual(Array.from({ length: 450 }, (_, i) => `cust-${i + 1}`));
    expect(good.map((r) => r.line)).toEqual(Array.from({ length: 450 }, (_, i) => (i < 300 ? i + 1 : i + 3)));
  });
});
