// Reading a batch's source page by page (so 100,000 customers never sit in one payload) and writing its report.
// The source is CSV with a header row, or JSON lines (.jsonl / .ndjson); list cells in CSV are space-separated.
import { createReadStream } from 'node:fs';
import { mkdir, open, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { ApplicationFailure } from '@temporalio/activity';
import { jsonToRequest, parseCsvLine, recordToRequest, type BatchCursor, type RowReport, type SourceRow } from '../domain/batch';
import { resolveSetupRequest } from '../domain/setup-request';
import { InputValidationError } from '../domain/validation';

type Format = 'csv' | 'jsonl';

function formatOf(source: string): Format {
  if (/\.csv$/i.test(source)) return 'csv';
  if (/\.(jsonl|ndjson)$/i.test(source)) return 'jsonl';
  throw ApplicationFailure.nonRetryable(`batch source ${source}: name it .csv, .jsonl or .ndjson so its format is known`, 'InvalidBatchSource');
}

/** Turns one line into a row: a resolved setup request, or why it is not one. */
function parseRow(format: Format, header: string[] | undefined, text: string, line: number): SourceRow {
  let parsed: { request?: SourceRow['request']; problem?: string };
  if (format === 'jsonl') {
    try {
      parsed = jsonToRequest(JSON.parse(text));
    } catch {
      parsed = { problem: 'not valid JSON' };
    }
  } else {
    const cells = parseCsvLine(text);
    if (!header || cells.length !== header.length) parsed = { problem: `has ${cells.length} cells, the header ${header?.length ?? 0}` };
    else parsed = recordToRequest(Object.fromEntries(header.map((h, i) => [h, cells[i] ?? ''])));
  }
  if (!parsed.request) return { line, invalid: parsed.problem };
  const key = `${parsed.request.direction}:${String(parsed.request.input.customerId)}`;
  try {
    return { line, key, request: resolveSetupRequest(parsed.request) };
  } catch (err) {
    if (err instanceof InputValidationError) return { line, key, invalid: err.message };
    throw err;
  }
}

interface SourceIndex {
  signature: string;
  /** The first line of each setup key, to report later rows with the same key as duplicates. */
  firstLine: Map<string, number>;
  total: number;
}

/** Lines of a file with their byte offsets, from an offset on. */
async function* linesFrom(path: string, start: number): AsyncGenerator<{ text: string; offset: number; next: number }> {
  const stream = createReadStream(path, { start });
  const reader = createInterface({ input: stream, crlfDelay: Infinity });
  let offset = start;
  try {
    for await (const text of reader) {
      const next = offset + Buffer.byteLength(text) + 1;
      yield { text, offset, next };
      offset = next;
    }
  } finally {
    reader.close();
    stream.destroy();
  }
}

async function headerOf(source: string): Promise<{ header: string[]; dataStart: number }> {
  for await (const { text, next } of linesFrom(source, 0)) return { header: parseCsvLine(text).map((h) => h.trim()), dataStart: next };
  return { header: [], dataStart: 0 };
}

export function createBatchActivities() {
  // Rebuilt whenever the file changes; only a cache, so a worker restart costs one more scan.
  const indexes = new Map<string, SourceIndex>();

  async function indexOf(source: string, format: Format): Promise<SourceIndex> {
    const info = await stat(source).catch(() => {
      throw ApplicationFailure.nonRetryable(`batch source ${source} cannot be read by this worker`, 'InvalidBatchSource');
    });
    const signature = `${info.size}:${info.mtimeMs}`;
    const cached = indexes.get(source);
    if (cached?.signature === signature) return cached;
    const { header, dataStart } = format === 'csv' ? await headerOf(source) : { header: undefined, dataStart: 0 };
    const firstLine = new Map<string, number>();
    let total = 0;
    let line = format === 'csv' ? 1 : 0;
    for await (const { text } of linesFrom(source, dataStart)) {
      line++;
      if (text.trim() === '') continue;
      total++;
      const { key } = parseRow(format, header, text, line);
      if (key && !firstLine.has(key)) firstLine.set(key, line);
    }
    const index = { signature, firstLine, total };
    indexes.set(source, index);
    return index;
  }

  return {
    /** Up to `limit` rows from `cursor` (null for the start), each resolved or marked invalid/duplicate. */
    async readBatchPage({ source, cursor, limit }: { source: string; cursor: BatchCursor | null; limit: number }) {
      const format = formatOf(source);
      const index = await indexOf(source, format);
      const { header, dataStart } = format === 'csv' ? await headerOf(source) : { header: undefined, dataStart: 0 };
      const start = cursor?.offset ?? dataStart;
      let line = cursor?.line ?? (format === 'csv' ? 1 : 0);
      const rows: SourceRow[] = [];
      let next: BatchCursor | null = null;
      for await (const read of linesFrom(source, start)) {
        const text = read.text;
        line++;
        next = { offset: read.next, line };
        if (text.trim() === '') continue;
        const row = parseRow(format, header, text, line);
        const first = row.key ? index.firstLine.get(row.key) : undefined;
        rows.push(first !== undefined && first !== line ? { line, key: row.key, duplicateOfLine: first } : row);
        if (rows.length >= limit) break;
      }
      const size = (await stat(source)).size;
      return { rows, nextCursor: next !== null && next.offset < size ? next : null, total: index.total };
    },

    /** One run's outcomes, as its own file, so a retried write replaces rather than repeats. */
    async writeBatchReportChunk({ reportDir, chunk, rows }: { reportDir: string; chunk: number; rows: RowReport[] }) {
      await mkdir(reportDir, { recursive: true });
      await writeFile(join(reportDir, `chunk-${String(chunk).padStart(6, '0')}.jsonl`), rows.map((r) => JSON.stringify(r)).join('\n') + (rows.length ? '\n' : ''));
    },

    /** Joins the chunks into report.jsonl and writes summary.json. */
    async finishBatchReport({ reportDir, summary }: { reportDir: string; summary: unknown }) {
      const reportFile = join(reportDir, 'report.jsonl');
      const summaryFile = join(reportDir, 'summary.json');
      const chunks = (await readdir(reportDir)).filter((f) => /^chunk-\d+\.jsonl$/.test(f)).sort();
      if (chunks.length > 0) {
        const out = await open(`${reportFile}.tmp`, 'w');
        try {
          for (const chunk of chunks) await out.write(await readFile(join(reportDir, chunk)));
        } finally {
          await out.close();
        }
        await rename(`${reportFile}.tmp`, reportFile);
        for (const chunk of chunks) await rm(join(reportDir, chunk));
      }
      await writeFile(summaryFile, `${JSON.stringify(summary, null, 2)}\n`);
      return { reportFile, summaryFile };
    },
  };
}
