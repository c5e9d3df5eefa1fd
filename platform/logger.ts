// One JSON object per line, for log collectors. Implements the SDK's Logger, so the Runtime, workflow `log` and
// activity `log` all come out here with their context (workflowId, activity, …). A field whose name says it holds a
// secret is masked at any depth, whatever its value.
import type { LogLevel, LogMetadata, Logger } from '@temporalio/common';
import { LogTimestamp } from '@temporalio/worker';

const LEVELS: Record<LogLevel, number> = { TRACE: 0, DEBUG: 1, INFO: 2, WARN: 3, ERROR: 4 };
export const LOG_LEVELS = Object.keys(LEVELS) as LogLevel[];

/** password, passwd, passphrase, token, secret, authorization, api key, cookie, private key, credential(s). */
export const SECRET_FIELD = /pass(word|wd|phrase)|token|secret|authori[sz]ation|api[-_]?key|cookie|private[-_]?key|credentials?$/i;
export const MASK = '[redacted]';

const SETUP_WORKFLOW_ID = /^trunk-setup-(?:outbound|inbound)-(.+)$/;
const MAX_DEPTH = 6;
const MAX_ITEMS = 100;

export interface JsonLoggerOptions {
  /** Lowest level written; default INFO. */
  level?: LogLevel;
  /** Default: stdout, where container runtimes collect logs. */
  write?: (line: string) => void;
}

export class JsonLogger implements Logger {
  private readonly threshold: number;
  private readonly write: (line: string) => void;

  constructor(o: JsonLoggerOptions = {}) {
    this.threshold = LEVELS[o.level ?? 'INFO'];
    this.write = o.write ?? ((line) => process.stdout.write(line));
  }

  log(level: LogLevel, message: string, meta: LogMetadata = {}): void {
    if (LEVELS[level] < this.threshold) return;
    this.write(`${JSON.stringify(formatEntry(level, message, meta))}\n`);
  }

  trace(message: string, meta?: LogMetadata): void {
    this.log('TRACE', message, meta);
  }

  debug(message: string, meta?: LogMetadata): void {
    this.log('DEBUG', message, meta);
  }

  info(message: string, meta?: LogMetadata): void {
    this.log('INFO', message, meta);
  }

  warn(message: string, meta?: LogMetadata): void {
    this.log('WARN', message, meta);
  }

  error(message: string, meta?: LogMetadata): void {
    this.log('ERROR', message, meta);
  }
}

/** The object written for one entry; exported for tests and for code that ships entries elsewhere. */
export function formatEntry(level: LogLevel, message: string, meta: LogMetadata): Record<string, unknown> {
  const nanos = meta[LogTimestamp] as bigint | undefined;
  const time = new Date(nanos === undefined ? Date.now() : Number(nanos / 1_000_000n)).toISOString();
  const { time: _t, level: _l, message: _m, ...fields } = masked(meta, 0, new WeakSet()) as Record<string, unknown>;
  const workflowId = typeof meta.workflowId === 'string' ? meta.workflowId : undefined;
  const customerId = typeof meta.customerId === 'string' ? meta.customerId : workflowId !== undefined ? SETUP_WORKFLOW_ID.exec(workflowId)?.[1] : undefined;
  const activity = typeof meta.activity === 'string' ? meta.activity : typeof meta.activityType === 'string' ? meta.activityType : undefined;
  return {
    time,
    level,
    message,
    ...(workflowId !== undefined ? { workflowId } : {}),
    ...(customerId !== undefined ? { customerId } : {}),
    ...(activity !== undefined ? { activity } : {}),
    ...fields,
  };
}

function masked(value: unknown, depth: number, ancestors: WeakSet<object>): unknown {
  if (typeof value === 'bigint') return value.toString();
  if (typeof value === 'function' || typeof value === 'symbol') return undefined;
  if (value === null || typeof value !== 'object') return value;
  if (ancestors.has(value)) return '[circular]';
  if (depth >= MAX_DEPTH) return '[too deep]';
  ancestors.add(value);
  const out = maskedObject(value, depth, ancestors);
  ancestors.delete(value);
  return out;
}

function maskedObject(value: object, depth: number, ancestors: WeakSet<object>): unknown {
  if (value instanceof Date) return value.toISOString();
  if (value instanceof Error) {
    // Only these: an HTTP client's error also carries its request config, headers and all.
    const cause = (value as { cause?: unknown }).cause;
    return {
      name: value.name,
      message: value.message,
      ...(value.stack !== undefined ? { stack: value.stack } : {}),
      ...(cause !== undefined ? { cause: masked(cause, depth + 1, ancestors) } : {}),
    };
  }
  if (Array.isArray(value)) return value.slice(0, MAX_ITEMS).map((v) => masked(v, depth + 1, ancestors));
  if (ArrayBuffer.isView(value)) return `[${value.byteLength} bytes]`;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = SECRET_FIELD.test(k) ? MASK : masked(v, depth + 1, ancestors);
  return out;
}
