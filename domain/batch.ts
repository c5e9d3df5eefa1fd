// Batch migrations: what a batch is asked for, what it reports, and how one source row becomes a setup request.
// Pure, so the workflow and the reading activity agree on it.
import type { Duration } from '@temporalio/common';
import type { CheckedSetupRequest } from './setup-request';

/** How a batch paces itself unless its input says otherwise. */
export const BATCH_DEFAULTS = {
  /** Setups running at once; the Exotel rate limit, not this, sets the pace. */
  window: 20,
  /** Rows read per activity. */
  pageSize: 200,
  /** Rows one run takes before it continues as new (it also does when its history grows). */
  rowsPerRun: 1_000,
  /** How long a batch's setup that failed waits for ops: roll back at once. */
  opsDecisionTimeout: 0,
} as const;

export interface BatchMigrationInput {
  batchId: string;
  /** CSV (with a header row) or JSON lines; readable by every worker (a shared volume in production). */
  source: string;
  /** Where the report is written (JSON lines of every row's outcome, and a summary). */
  reportDir: string;
  /** Defaults: BATCH_DEFAULTS. */
  window?: number;
  pageSize?: number;
  rowsPerRun?: number;
  /** For the customers' setups whose row does not say. */
  opsDecisionTimeout?: Duration;
  /** Carried across continue-as-new; absent on the first run. */
  carried?: BatchCarried;
}

export interface BatchCounts {
  succeeded: number;
  failed: number;
  /** Already set up by an earlier run (or a signup event): left alone. */
  skipped: number;
  /** A row repeating an earlier row's customer and direction: reported, not provisioned. */
  duplicates: number;
  /** A row that is not a valid setup: reported, not started. */
  invalid: number;
}

/** Where the next unread row starts: its byte offset, and the number of the line before it. */
export interface BatchCursor {
  offset: number;
  line: number;
}

export interface BatchCarried {
  /** The next unread row; null before the first read. */
  cursor: BatchCursor | null;
  /** The source has been read to its end. */
  readAll: boolean;
  counts: BatchCounts;
  total: number | null;
  /** Report chunks written so far (one per run). */
  chunks: number;
  paused: boolean;
  startedAt: string;
  /** The first failures, duplicates and invalid rows, for the final report. */
  problems: RowReport[];
}

export type RowOutcome = 'succeeded' | 'failed' | 'skipped' | 'duplicate' | 'invalid';

export interface RowReport {
  line: number;
  customerId?: string;
  direction?: string;
  outcome: RowOutcome;
  detail?: string;
}

export interface BatchProgress {
  batchId: string;
  total: number | null;
  done: number;
  counts: BatchCounts;
  awaitingOps: number;
  inFlight: number;
  remaining: number | null;
  paused: boolean;
  startedAt: string;
  finished: boolean;
}

export interface BatchReport {
  batchId: string;
  total: number;
  counts: BatchCounts;
  reportFile: string;
  summaryFile: string;
  /** The first failures, duplicates and invalid rows; the report file has all of them. */
  problems: RowReport[];
}

export interface SourceRow {
  line: number;
  /** `<direction>:<customerId>`, what makes two rows the same setup. */
  key?: string;
  request?: CheckedSetupRequest;
  /** Why the row is not a setup (parse or validation problems). */
  invalid?: string;
  /** Set when an earlier row has the same key. */
  duplicateOfLine?: number;
}

export const emptyCounts = (): BatchCounts => ({ succeeded: 0, failed: 0, skipped: 0, duplicates: 0, invalid: 0 });

export const countDone = (c: BatchCounts): number => c.succeeded + c.failed + c.skipped + c.duplicates + c.invalid;

export const batchWorkflowId = (batchId: string): string => `trunk-batch-${batchId}`;

const LIST_FIELDS = new Set(['dids', 'providerIps', 'destinations']);

/**
 * One CSV record (header → value) as the object a setup request is parsed from: list fields hold space-separated
 * values, `field.<name>` columns fill providerFields, `allowAclWithDigest` is true or not. Empty cells are absent;
 * other columns pass through for the parser to judge.
 */
export function csvRecordToObject(record: Record<string, string>): Record<string, unknown> {
  const value: Record<string, unknown> = {};
  const providerFields: Record<string, string> = {};
  for (const [column, raw] of Object.entries(record)) {
    const cell = raw.trim();
    if (cell === '') continue;
    if (column.startsWith('field.')) providerFields[column.slice('field.'.length)] = cell;
    else if (LIST_FIELDS.has(column)) value[column] = cell.split(/\s+/);
    // A customer's numbers may share one cell: they become one setup on one trunk.
    else if (column === 'did' && /\s/.test(cell)) value.dids = cell.split(/\s+/);
    else if (column === 'allowAclWithDigest') value[column] = cell === 'true';
    else value[column] = cell;
  }
  if (Object.keys(providerFields).length) value.providerFields = providerFields;
  return value;
}

/** `<direction>:<customerId>`, what makes two rows the same setup; undefined when the row does not say. */
export function rowKey(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const { direction, customerId } = value as Record<string, unknown>;
  if (direction !== 'outbound' && direction !== 'inbound') return undefined;
  return `${direction}:${String(customerId)}`;
}
