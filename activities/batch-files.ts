// Reading a batch's source page by page (so 100,000 customers never sit in one payload) and writing its report:
// work on the worker's disk, registered on the main task queue. The source is CSV with a header row (any line
// endings, a UTF-8 BOM allowed, quoted cells may hold separators and line breaks), or JSON lines (.jsonl / .ndjson);
// list cells in CSV are space-separated.
import { createReadStream } from 'node:fs';
import { once } from 'node:events';
import { mkdir, open, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ApplicationFailure } from '@temporalio/activity';
import { CsvError, parse } from 'csv-parse';
import { csvRecordToObject, rowKey, type BatchCursor, type RowReport, type SourceRow } from '../domain/batch';
import { FailureTypes } from '../domain/failures';
import { InputValidationError } from '../domain/issues';
import { parseSetupRequest } from '../domain/setup-request';

type Format = 'csv' | 'jsonl';

function formatOf(source: string): Format {
  if (/\.csv$/i.test(source)) return 'csv';
  if (/\.(jsonl|ndjson)$/i.test(source)) return 'jsonl';
  throw ApplicationFailure.nonRetryable(`batch source ${source}: name it .csv, .jsonl or .ndjson so its format is known`, FailureTypes.invalidBatchSource);
}

/** One record of the source: the line it starts on, its cells (a JSON line is one cell), and where the next begins. */
interface SourceRecord {
  line: number;
  cells: string[];
  next: BatchCursor;
}

const isBlank = (cells: string[]): boolean => cells.length === 1 && cells[0]?.trim() === '';

const LINE_BREAK = /\r\n|\n|\r/g;

/** The lines a record spans past its first: only a quoted cell holds line breaks, and it keeps them as they were. */
const breaksIn = (cells: string[]): number => cells.reduce((n, cell) => n + (cell.match(LINE_BREAK)?.length ?? 0), 0);

/**
 * CSV records from a cursor on. Each cursor is the parser's own count of the bytes it consumed (through the record's
 * line break), so it is the next record's first byte whatever the line endings; line numbers count the line breaks
 * in between, blank lines included (they come through as records and are skipped by the callers).
 */
async function* csvRecords(source: string, from: BatchCursor): AsyncGenerator<SourceRecord> {
  const parsed: { cells: string[]; bytes: number }[] = [];
  const parser = parse({
    bom: from.offset === 0,
    record_delimiter: ['\r\n', '\n', '\r'],
    // A row with the wrong number of cells is reported as invalid, not a parse error.
    relax_column_count: true,
    skip_empty_lines: false,
    // Taken as the parser completes them, so every record before a syntax error is counted and the error's line known.
    on_record: (cells: string[], { bytes }) => {
      parsed.push({ cells, bytes });
      return null;
    },
  });
  // Its errors arrive through write's callback and `once` below.
  parser.on('error', () => undefined);
  const write = (chunk: Buffer) => new Promise<void>((resolve, reject) => parser.write(chunk, (err) => (err ? reject(err) : resolve())));
  const end = async () => {
    parser.end();
    await once(parser, 'finish');
  };
  const input = createReadStream(source, { start: from.offset });
  let line = from.line;
  function* taken(): Generator<SourceRecord> {
    for (const { cells, bytes } of parsed.splice(0)) {
      const first = line + 1;
      line = first + breaksIn(cells);
      yield { line: first, cells, next: { offset: from.offset + bytes, line } };
    }
  }
  let failure: Error | undefined;
  const failed = (err: Error) => void (failure = err);
  try {
    for await (const chunk of input as AsyncIterable<Buffer>) {
      await write(chunk).catch(failed);
      yield* taken();
      if (failure !== undefined) break;
    }
    if (failure === undefined) await end().catch(failed);
    yield* taken();
  } finally {
    input.destroy();
    parser.destroy();
  }
  if (failure instanceof CsvError) {
    const what = failure.message.split(':')[0] ?? failure.code;
    throw ApplicationFailure.nonRetryable(`batch source ${source}: the row starting at line ${line + 1} is not valid CSV (${what})`, FailureTypes.invalidBatchSource);
  }
  if (failure !== undefined) throw failure;
}

/** JSON lines from a cursor on, split on the bytes read (`\n`; a `\r` before it is JSON whitespace), so offsets are exact. */
async function* jsonLines(source: string, from: BatchCursor): AsyncGenerator<SourceRecord> {
  const input = createReadStream(source, { start: from.offset });
  let { offset, line } = from;
  let partial: Buffer[] = [];
  const record = (bytes: Buffer, consumed: number): SourceRecord => {
    const text = offset === 0 ? bytes.toString('utf8').replace(/^\uFEFF/, '') : bytes.toString('utf8');
    offset += consumed;
    line++;
    return { line, cells: [text], next: { offset, line } };
  };
  try {
    for await (const chunk of input as AsyncIterable<Buffer>) {
      let at = 0;
      for (let nl = chunk.indexOf(0x0a); nl !== -1; nl = chunk.indexOf(0x0a, at)) {
        const bytes = Buffer.concat([...partial, chunk.subarray(at, nl)]);
        partial = [];
        at = nl + 1;
        yield record(bytes, bytes.length + 1);
      }
      if (at < chunk.length) partial.push(chunk.subarray(at));
    }
    if (partial.length > 0) {
      const bytes = Buffer.concat(partial);
      yield record(bytes, bytes.length);
    }
  } finally {
    input.destroy();
  }
}

const recordsFrom = (format: Format, source: string, from: BatchCursor) => (format === 'csv' ? csvRecords(source, from) : jsonLines(source, from));

/** One record as the value a setup request is parsed from, or why it cannot be one. */
function readRecord(format: Format, header: string[] | undefined, cells: string[]): { value: unknown } | { invalid: string } {
  if (format === 'jsonl') {
    try {
      return { value: JSON.parse(cells[0] ?? '') };
    } catch {
      return { invalid: 'not valid JSON' };
    }
  }
  if (!header || cells.length !== header.length) return { invalid: `has ${cells.length} cells, the header ${header?.length ?? 0}` };
  return { value: csvRecordToObject(Object.fromEntries(header.map((h, i) => [h, cells[i] ?? '']))) };
}

/** Turns one record into a row: a setup request ready to start, or why it is not one. */
function parseRow(format: Format, header: string[] | undefined, cells: string[], line: number): SourceRow {
  const read = readRecord(format, header, cells);
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
  /** CSV's column names (its first non-blank record). */
  header?: string[];
  /** Where the first data row is read from. */
  dataStart: BatchCursor;
  /** The first line of each setup key, to report later rows with the same key as duplicates. */
  firstLine: Map<string, number>;
  total: number;
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
    let header: string[] | undefined;
    let dataStart: BatchCursor = { offset: 0, line: 0 };
    const firstLine = new Map<string, number>();
    let total = 0;
    for await (const { line, cells, next } of recordsFrom(format, source, dataStart)) {
      if (isBlank(cells)) continue;
      if (format === 'csv' && header === undefined) {
        header = cells.map((h) => h.trim());
        dataStart = next;
        continue;
      }
      total++;
      const read = readRecord(format, header, cells);
      const key = 'value' in read ? rowKey(read.value) : undefined;
      if (key && !firstLine.has(key)) firstLine.set(key, line);
    }
    const index = { signature, header, dataStart, firstLine, total };
    indexes.set(source, index);
    return index;
  }

  return {
    /** Up to `limit` rows from `cursor` (null for the start), each resolved or marked invalid/duplicate. */
    async readBatchPage({ source, cursor, limit }: { source: string; cursor: BatchCursor | null; limit: number }) {
      const format = formatOf(source);
      const index = await indexOf(source, format);
      const rows: SourceRow[] = [];
      let next = cursor ?? index.dataStart;
      let more = false;
      for await (const { line, cells, next: after } of recordsFrom(format, source, next)) {
        if (isBlank(cells)) continue;
        // A row past the page only says there is a next page; that page reads it again from the cursor.
        if (rows.length >= Math.max(limit, 1)) {
          more = true;
          break;
        }
        const row = parseRow(format, index.header, cells, line);
        const first = row.key ? index.firstLine.get(row.key) : undefined;
        rows.push(first !== undefined && first !== line ? { line, key: row.key, duplicateOfLine: first } : row);
        next = after;
      }
      return { rows, nextCursor: more ? next : null, total: index.total };
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
