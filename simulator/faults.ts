// Injected failures, so clients can prove their retries, timeouts and idempotency against the faults
// a real network and a real Exotel produce.

import { setTimeout as sleep } from 'node:timers/promises';
import type { SeededRandom } from './random';
import type { ActiveFault, FaultKind, FaultSpec } from './types';

const KINDS: FaultKind[] = ['status', 'latency', 'commit-then-fail', 'drop'];
const FIELDS = new Set(['method', 'path', 'account', 'kind', 'status', 'retryAfterSeconds', 'latencyMs', 'then', 'count', 'probability', 'skip']);

const isInt = (v: unknown, min: number, max: number): v is number =>
  typeof v === 'number' && Number.isInteger(v) && v >= min && v <= max;

/** Validates untrusted input (admin API body, --fault flag) into a FaultSpec, or throws naming the rule broken. */
export function parseFaultSpec(input: unknown): FaultSpec {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) throw new Error('a fault must be a JSON object');
  const f = input as Record<string, unknown>;
  const fail = (field: string, rule: string): never => {
    throw new Error(`fault.${field} ${rule} (got ${JSON.stringify(f[field])})`);
  };
  for (const key of Object.keys(f)) if (!FIELDS.has(key)) fail(key, `is not a fault field; known: ${[...FIELDS].join(', ')}`);

  if (!KINDS.includes(f.kind as FaultKind)) fail('kind', `must be one of ${KINDS.join(', ')}`);
  const kind = f.kind as FaultKind;
  if (typeof f.path !== 'string') fail('path', 'must be a regular expression source string');
  try {
    new RegExp(f.path as string);
  } catch {
    fail('path', 'must be a valid regular expression');
  }
  const costly = faultPathRule(f.path as string);
  if (costly) fail('path', costly);
  if (f.method !== undefined && (typeof f.method !== 'string' || !/^[A-Za-z]+$/.test(f.method))) fail('method', 'must be an HTTP method');
  if (f.account !== undefined && typeof f.account !== 'string') fail('account', 'must be an account sid');
  if (kind === 'status' ? !isInt(f.status, 400, 599) : f.status !== undefined) {
    fail('status', kind === 'status' ? 'must be an integer 400–599' : "is only for kind 'status'");
  }
  if (f.retryAfterSeconds !== undefined && !(kind === 'status' && f.status === 429 && isInt(f.retryAfterSeconds, 0, 86_400))) {
    fail('retryAfterSeconds', "is only for a 429 'status' fault, an integer 0–86400");
  }
  if (kind === 'latency' ? !isInt(f.latencyMs, 0, 600_000) : f.latencyMs !== undefined) {
    fail('latencyMs', kind === 'latency' ? 'must be an integer 0–600000' : "is only for kind 'latency'");
  }
  if (f.then !== undefined && !(kind === 'commit-then-fail' && (f.then === 'drop' || isInt(f.then, 400, 599)))) {
    fail('then', "is only for kind 'commit-then-fail': an integer 400–599 or \"drop\"");
  }
  if (f.count !== undefined && !isInt(f.count, 0, Number.MAX_SAFE_INTEGER)) fail('count', 'must be an integer ≥ 0 (0 = unlimited)');
  if (f.skip !== undefined && !isInt(f.skip, 0, Number.MAX_SAFE_INTEGER)) fail('skip', 'must be an integer ≥ 0 (how many matching requests pass first)');
  if (f.probability !== undefined && !(typeof f.probability === 'number' && f.probability >= 0 && f.probability <= 1)) {
    fail('probability', 'must be a number 0–1');
  }
  return f as unknown as FaultSpec;
}

export const MAX_FAULT_PATH_LENGTH = 200;
const MAX_ALTERNATIVE_WAYS = 64;

/**
 * Why a (valid) fault path pattern is refused, or null. Every request's path is tested against every fault by V8's
 * backtracking engine, so a pattern such as `(a+)+$` would let one request hang the server (ReDoS). The rule admits
 * only patterns whose cost is at most quadratic in the path's length (Node caps a request line near 16 KB):
 * - at most 200 characters;
 * - no backreference (`\1`, `\k<name>`) or lookaround (`(?=`, `(?!`, `(?<=`, `(?<!`): not regular, so only
 *   backtracking can match them;
 * - a quantifier only on one character, escape, `.` or `[class]`, never on a group: no nested quantifiers and no
 *   repeated alternatives (`(a|a)*`), the exponential cases;
 * - at most one variable quantifier (`*` `+` `?` `{m,}` `{m,n}`; an exact `{n}` adds no choice): each one more
 *   multiplies the worst case by the path's length (`.*.*x` takes seconds on a 3 KB path);
 * - at most 64 ways through the alternatives (`|`; groups of them in a row multiply), and none beside a variable
 *   quantifier, whose backtracking they multiply too.
 * Every pattern the project uses is literal text with anchors, one group of alternatives or one `[^/]+`.
 */
export function faultPathRule(source: string): string | null {
  if (source.length > MAX_FAULT_PATH_LENGTH) return `must be at most ${MAX_FAULT_PATH_LENGTH} characters (it has ${source.length})`;
  // One frame per open group: ways through its finished alternatives, and through the alternative being read.
  const frames = [{ done: 0, current: 1 }];
  let variableQuantifiers = 0;
  let alternatives = false;
  /** What a quantifier here would repeat. */
  let previous: 'nothing' | 'atom' | 'group' | 'quantifier' = 'nothing';
  for (let i = 0; i < source.length; i++) {
    const c = source[i];
    const quantifier = c === '*' || c === '+' || c === '?' ? c : c === '{' ? /^\{(\d+)(,(\d*))?\}/.exec(source.slice(i)) : null;
    if (quantifier !== null && previous !== 'nothing') {
      if (previous === 'quantifier') {
        // `+?` and the like: the same quantifier, lazy (anything else did not compile).
        previous = 'nothing';
        continue;
      }
      if (previous === 'group') {
        return 'must not quantify a group: a quantifier (*, +, ?, {m,n}) may follow only one character, escape, "." or [class] (nested quantifiers backtrack exponentially)';
      }
      const exact = typeof quantifier !== 'string' && (quantifier[2] === undefined || quantifier[3] === quantifier[1]);
      if (!exact) variableQuantifiers++;
      if (variableQuantifiers > 1) return 'may have at most one variable quantifier (*, +, ?, {m,}, {m,n}): each one more multiplies the worst-case backtracking by the path length';
      if (typeof quantifier !== 'string') i += quantifier[0].length - 1;
      previous = 'quantifier';
      continue;
    }
    const frame = frames[frames.length - 1] as { done: number; current: number };
    switch (c) {
      case '\\': {
        const next = source[i + 1] ?? '';
        if (/[1-9k]/.test(next)) return `must not use a backreference (\\${next}…): only backtracking can match one`;
        i++;
        previous = 'atom';
        break;
      }
      case '[':
        // To the closing bracket; nothing inside a class is special but an escape.
        for (i++; i < source.length && source[i] !== ']'; i++) if (source[i] === '\\') i++;
        previous = 'atom';
        break;
      case '(':
        if (/^\(\?(=|!|<=|<!)/.test(source.slice(i))) return 'must not use lookaround ((?=, (?!, (?<=, (?<!): only backtracking can match it';
        if (source[i + 1] === '?') i = source[i + 2] === '<' ? source.indexOf('>', i) : i + 2;
        frames.push({ done: 0, current: 1 });
        previous = 'nothing';
        break;
      case ')': {
        frames.pop();
        const parent = frames[frames.length - 1] as { done: number; current: number };
        parent.current *= frame.done + frame.current;
        previous = 'group';
        break;
      }
      case '|':
        alternatives = true;
        frame.done += frame.current;
        frame.current = 1;
        previous = 'nothing';
        break;
      case '^':
      case '$':
        previous = 'nothing';
        break;
      default:
        previous = 'atom';
    }
    const top = frames[0] as { done: number; current: number };
    if (top.done + top.current > MAX_ALTERNATIVE_WAYS) {
      return `may have at most ${MAX_ALTERNATIVE_WAYS} ways through its alternatives (|); groups of alternatives in a row multiply`;
    }
  }
  if (alternatives && variableQuantifiers > 0) {
    return 'must not have both alternatives (|) and a variable quantifier (*, +, ?, {m,}, {m,n}): together their backtracking multiplies; install one fault per alternative';
  }
  return null;
}

export interface FaultTarget {
  method: string;
  path: string;
  account: string | null;
}

export class FaultRegistry {
  private faults: (ActiveFault & { regex: RegExp; skipLeft: number })[] = [];
  private nextId = 1;

  constructor(private readonly random: SeededRandom) {}

  add(spec: FaultSpec): ActiveFault {
    const count = spec.count ?? 1;
    const fault = { ...spec, id: `f${this.nextId++}`, remaining: count === 0 ? null : count, skipLeft: spec.skip ?? 0, regex: new RegExp(spec.path) };
    this.faults.push(fault);
    return strip(fault);
  }

  list(): ActiveFault[] {
    return this.faults.map(strip);
  }

  remove(id: string): boolean {
    const before = this.faults.length;
    this.faults = this.faults.filter((f) => f.id !== id);
    return this.faults.length < before;
  }

  clear(): void {
    this.faults = [];
  }

  /** The first fault (in insertion order) that hits this request, with its count spent; null if none. */
  take(target: FaultTarget): ActiveFault | null {
    for (const fault of this.faults) {
      if (fault.method !== undefined && fault.method.toUpperCase() !== target.method) continue;
      if (fault.account !== undefined && fault.account !== target.account) continue;
      if (!fault.regex.test(target.path)) continue;
      if (fault.probability !== undefined && fault.probability < 1 && this.random.next() >= fault.probability) continue;
      if (fault.skipLeft > 0) {
        fault.skipLeft--;
        continue;
      }
      if (fault.remaining !== null) {
        fault.remaining--;
        if (fault.remaining === 0) this.remove(fault.id);
      }
      return strip(fault);
    }
    return null;
  }
}

function strip(fault: ActiveFault & { regex: RegExp; skipLeft?: number }): ActiveFault {
  const { regex: _regex, skipLeft: _skipLeft, ...rest } = fault;
  return rest;
}

/** An answer as a simulator sends it. */
export interface FaultedAnswer {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

/**
 * How every simulator (Exotel's and the platforms' stand-ins) answers a request under a fault: `drop` closes the
 * connection with nothing applied; `status` refuses before anything is applied; `latency` waits, then drops the
 * request unapplied if the client gave up meanwhile (as a Go server does when the request's context is cancelled
 * [I]); `commit-then-fail` applies it and loses the answer (dropped, or a 5xx). `answer` applies the request.
 * Resolves to what to send and log, `dropped` when the connection is gone, or `abandoned` when the server closed
 * during a delay (nothing to log).
 */
export async function answerUnderFault(
  fault: ActiveFault | null,
  o: {
    socket: { destroy(): void; destroyed: boolean };
    closing: AbortSignal;
    refused: (fault: ActiveFault) => FaultedAnswer;
    failedAfterApplying: (status: number) => FaultedAnswer;
    answer: () => FaultedAnswer;
  },
): Promise<{ send: FaultedAnswer; outcome: FaultKind | undefined } | { dropped: FaultKind } | 'abandoned'> {
  if (fault?.kind === 'drop') {
    o.socket.destroy();
    return { dropped: 'drop' };
  }
  if (fault?.kind === 'status') return { send: o.refused(fault), outcome: 'status' };
  if (fault?.kind === 'latency') {
    try {
      await sleep(fault.latencyMs ?? 0, undefined, { signal: o.closing });
    } catch {
      o.socket.destroy();
      return 'abandoned';
    }
    if (o.socket.destroyed) return { dropped: 'latency' };
  }
  const answer = o.answer();
  if (fault?.kind !== 'commit-then-fail') return { send: answer, outcome: fault?.kind };
  // The write is applied (and durable); only its answer is lost.
  if (fault.then === 'drop') {
    o.socket.destroy();
    return { dropped: fault.kind };
  }
  return { send: o.failedAfterApplying(fault.then ?? 500), outcome: fault.kind };
}
