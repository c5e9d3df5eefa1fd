// Reading a batch's source page by page (so 100,000 customers never sit in one payload) and writing its report:
// work on the worker's disk, registered on the main task queue. The source is CSV with a header row, or JSON lines
// (.jsonl / .ndjson); list cells in CSV are space-separated.
import { createReadStream } from 'node:fs';
import { mkdir, open, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { ApplicationFailure } from '@temporalio/activity';
import { csvRecordToObject, parseCsvLine, rowKey, type BatchCursor, type RowReport, type SourceRow } from '../domain/batch';
import { FailureTypes } from '../domain/failures';
import { InputValidationError } from '../domain/issues';
import { parseSetupRequest } from '../domain/setup-request';

type Format = 'csv' | 'jsonl';

function formatOf(source: string): Format {
  if (/\.csv$/i.test(source)) return 'csv';
  if (/\.(jsonl|ndjson)$/i.test(source)) return 'jsonl';
  throw ApplicationFailure.nonRetryable(`batch source ${source}: name it .csv, .jsonl or .ndjson so its format is known`, FailureTypes.invalidBatchSource);
}

/** One line as the value a setup request is parsed from, or why it cannot be one. */
function readLine(format: Format, header: string[] | undefined, text: string): { value: unknown } | { invalid: string } {
  if (format === 'jsonl') {
    try {
      return { value: JSON.parse(text) };
    } catch {
      return { invalid: 'not valid JSON' };
    }
  }
  const cells = parseCsvLine(text);
  if (!header || cells.length !== header.length) return { invalid: `has ${cells.length} cells, the header ${header?.length ?? 0}` };
  return { value: csvRecordToObject(Object.fromEntries(header.map((h, i) => [h, cells[i] ?? '']))) };
}

/** Turns one line into a row: a setup request ready to start, or why it is not one. */
function parseRow(format: Format, header: string[] | undefined, text: string, line: number): SourceRow {
  const read = readLine(format, header, text);
  if ('invalid' in read) return { line, invalid: read.invalid };
  const key = rowKey(read.value);
  try {
    return { line, key, request: parseSetupRequest(read.value, { what: 'row' }) };
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

export function createBatchFileActivities() {
  // Rebuilt whenever the file changes; only a cache, so a worker restart costs one more scan.
  const indexes = new Map<string, SourceIndex>();

  async function indexOf(source: string, format: Format): Promise<SourceIndex> {
    const info = await stat(source).catch(() => {
      throw ApplicationFailure.nonRetryable(`batch source ${source} cannot be read by this worker`, FailureTypes.invalidBatchSource);
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
      const read = readLine(format, header, text);
      const key = 'value' in read ? rowKey(read.value) : undefined;
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

export type BatchFileActivities = ReturnType<typeof createBatchFileActivities>;
