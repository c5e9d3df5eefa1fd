// The one check of an operation on a line, wherever it comes from (CLI flags, the UI's Update, a platform's event):
// every field named with its value and rule, values pasted with spaces trimmed, before anything is read or sent.
import { InputValidationError, type ValidationIssue } from './issues';
import type { LineOperation, LineOperationKind, OperationRequest, RepairKind } from './line';
import { durationMs, normalizeDestination, rules } from './rules';

export const LINE_OPERATION_KINDS: readonly LineOperationKind[] = [
  'add-dids',
  'remove-dids',
  'set-mode',
  'set-destinations',
  'rotate-credential',
  'confirm-rotation',
  'offboard',
  'adopt',
  'move-did',
  'set-rotation-policy',
  'repair',
];

/** What `adopt` may be told to take besides the trunk and the number it was found by. */
const ADOPTABLE_PART = /^(number:\+[1-9]\d{6,14}|credential:[A-Za-z0-9_]{1,64}|acl:\d{1,3}(\.\d{1,3}){3}|destination:\S{3,300})$/;

/** At most this many numbers in one operation: each is one request, and a plan should stay readable. */
export const MAX_DIDS_PER_OPERATION = 100;

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const shown = (v: unknown): string => (typeof v === 'string' ? v : JSON.stringify(v) ?? String(v));

/** Checks and trims an operation; throws InputValidationError with every issue at once. */
export function parseLineOperation(value: unknown, field = 'operation'): LineOperation {
  const issues: ValidationIssue[] = [];
  const issue = (name: string, v: unknown, rule: string) => issues.push({ field: `${field}.${name}`, value: shown(v), rule });
  if (!isRecord(value)) throw new InputValidationError([{ field, value: shown(value), rule: 'must be an object with a kind' }]);
  const kind = value.kind;
  if (typeof kind !== 'string' || !(LINE_OPERATION_KINDS as readonly string[]).includes(kind)) {
    throw new InputValidationError([{ field: `${field}.kind`, value: shown(kind), rule: `must be one of ${LINE_OPERATION_KINDS.join(', ')}` }]);
  }
  const allowed: Record<LineOperationKind, string[]> = {
    'add-dids': ['dids'],
    'remove-dids': ['dids'],
    'set-mode': ['did', 'mode'],
    'set-destinations': ['destinations'],
    'rotate-credential': ['confirmWithin', 'onTimeout'],
    'confirm-rotation': [],
    offboard: [],
    adopt: ['did', 'trunkSid', 'take', 'takeAll', 'mayDelete'],
    'move-did': ['did', 'toCustomerId', 'toTrunkSid'],
    'set-rotation-policy': ['everyDays', 'confirmWithin', 'onTimeout'],
    repair: ['kinds'],
  };
  for (const key of Object.keys(value)) {
    if (key !== 'kind' && !allowed[kind as LineOperationKind].includes(key)) issue(key, value[key], `is not a field of ${kind} (it takes ${allowed[kind as LineOperationKind].join(', ') || 'none'})`);
  }
  const did = (name: string, v: unknown): string => {
    const text = typeof v === 'string' ? v.trim() : '';
    const broken = typeof v !== 'string' ? 'must be a string' : rules.e164(text);
    if (broken) issue(name, v, broken);
    return text;
  };
  const dids = (): string[] => {
    const list = value.dids;
    if (!Array.isArray(list) || list.length === 0) {
      issue('dids', list, 'must be a non-empty list of numbers in E.164');
      return [];
    }
    if (list.length > MAX_DIDS_PER_OPERATION) issue('dids', `${list.length} numbers`, `at most ${MAX_DIDS_PER_OPERATION} in one operation`);
    const parsed = list.map((d, i) => did(`dids[${i}]`, d));
    const seen = new Set<string>();
    parsed.forEach((d, i) => {
      if (seen.has(d)) issue(`dids[${i}]`, d, 'is named twice');
      seen.add(d);
    });
    return parsed;
  };

  let operation: LineOperation;
  switch (kind as LineOperationKind) {
    case 'add-dids':
    case 'remove-dids':
      operation = { kind: kind as 'add-dids' | 'remove-dids', dids: dids() };
      break;
    case 'set-mode': {
      const mode = typeof value.mode === 'string' ? value.mode.trim() : value.mode;
      if (mode !== 'pstn' && mode !== 'flow') issue('mode', value.mode, 'must be pstn (calls go to the SIP trunk) or flow (to the number\'s Exotel flow)');
      operation = { kind: 'set-mode', did: did('did', value.did), mode: mode === 'flow' ? 'flow' : 'pstn' };
      break;
    }
    case 'set-destinations': {
      const list = value.destinations;
      if (!Array.isArray(list) || list.length === 0) issue('destinations', list, 'must be a non-empty list: an inbound trunk needs at least one destination');
      const destinations = (Array.isArray(list) ? list : []).map((d, i) => {
        const broken = typeof d !== 'string' ? 'must be a string' : rules.destination(d);
        if (broken) issue(`destinations[${i}]`, d, broken);
        return typeof d === 'string' ? normalizeDestination(d) : '';
      });
      operation = { kind: 'set-destinations', destinations };
      break;
    }
    case 'rotate-credential':
      operation = { kind: 'rotate-credential', ...rotationSettings(value, issue) };
      break;
    case 'repair': {
      const kinds = value.kinds;
      const known = ['missing', 'changed', 'extra'];
      if (kinds !== undefined && !(Array.isArray(kinds) && kinds.length > 0 && kinds.every((k) => typeof k === 'string' && known.includes(k)))) {
        issue('kinds', kinds, 'must be a non-empty list of missing, changed, extra (extra removes what nobody recorded)');
      }
      operation = { kind: 'repair', ...(Array.isArray(kinds) ? { kinds: [...new Set(kinds as RepairKind[])] } : {}) };
      break;
    }
    case 'set-rotation-policy': {
      const days = value.everyDays;
      if (days !== null && !(typeof days === 'number' && Number.isInteger(days) && days >= 1 && days <= 3650)) {
        issue('everyDays', days, 'must be a whole number of days, 1-3650, or null to stop rotating by itself');
      }
      operation = { kind: 'set-rotation-policy', everyDays: typeof days === 'number' ? days : null, ...rotationSettings(value, issue) };
      break;
    }
    case 'confirm-rotation':
    case 'offboard':
      operation = { kind: kind as 'confirm-rotation' | 'offboard' };
      break;
    case 'adopt': {
      const adopt: Extract<LineOperation, { kind: 'adopt' }> = { kind: 'adopt', did: did('did', value.did) };
      if (value.trunkSid !== undefined) {
        const sid = typeof value.trunkSid === 'string' ? value.trunkSid.trim() : '';
        const broken = typeof value.trunkSid !== 'string' ? 'must be a string' : rules.trunkSid(sid);
        if (broken) issue('trunkSid', value.trunkSid, broken);
        adopt.trunkSid = sid;
      }
      if (value.take !== undefined) {
        if (!Array.isArray(value.take)) issue('take', value.take, 'must be a list of parts such as number:+91…, credential:<user>, acl:<ip>, destination:<uri>');
        else {
          adopt.take = value.take.map((t, i) => {
            const part = typeof t === 'string' ? t.trim() : '';
            if (!ADOPTABLE_PART.test(part)) issue(`take[${i}]`, t, 'must be number:<E.164>, credential:<user name>, acl:<ip> or destination:<host:port;transport=…>');
            return part;
          });
        }
      }
      for (const flag of ['takeAll', 'mayDelete'] as const) {
        if (value[flag] === undefined) continue;
        if (typeof value[flag] !== 'boolean') issue(flag, value[flag], 'must be true or false');
        else adopt[flag] = value[flag];
      }
      operation = adopt;
      break;
    }
    case 'move-did': {
      const to = typeof value.toCustomerId === 'string' ? value.toCustomerId.trim() : '';
      const toBroken = typeof value.toCustomerId !== 'string' ? 'must be a string' : rules.customerId(to);
      if (toBroken) issue('toCustomerId', value.toCustomerId, toBroken);
      const sid = typeof value.toTrunkSid === 'string' ? value.toTrunkSid.trim() : '';
      const sidBroken = typeof value.toTrunkSid !== 'string' ? "must be the target line's trunk sid" : rules.trunkSid(sid);
      if (sidBroken) issue('toTrunkSid', value.toTrunkSid, sidBroken);
      operation = { kind: 'move-did', did: did('did', value.did), toCustomerId: to, toTrunkSid: sid };
      break;
    }
  }
  if (issues.length > 0) throw new InputValidationError(issues);
  return operation;
}

const REQUEST_FIELDS = ['operation', 'operationId', 'expectFingerprint', 'confirm', 'opsDecisionTimeout'];

/** A rotation's deadline and what happens at it, for rotate-credential and the policy that starts rotations. */
function rotationSettings(value: Record<string, unknown>, issue: (name: string, v: unknown, rule: string) => void): { confirmWithin?: string; onTimeout?: 'keep-both' | 'finish' } {
  const settings: { confirmWithin?: string; onTimeout?: 'keep-both' | 'finish' } = {};
  if (value.confirmWithin !== undefined) {
    const ms = durationMs(typeof value.confirmWithin === 'string' ? value.confirmWithin.trim() : value.confirmWithin);
    if (ms === null || ms < 60_000) issue('confirmWithin', value.confirmWithin, "must be a duration of at least a minute, such as '7d' or '12h'");
    else settings.confirmWithin = typeof value.confirmWithin === 'string' ? value.confirmWithin.trim() : `${ms}ms`;
  }
  if (value.onTimeout !== undefined) {
    if (value.onTimeout !== 'keep-both' && value.onTimeout !== 'finish') issue('onTimeout', value.onTimeout, 'must be keep-both (the old credential stays) or finish (it is deleted)');
    else settings.onTimeout = value.onTimeout;
    if (value.confirmWithin === undefined) issue('onTimeout', value.onTimeout, 'needs confirmWithin: without a deadline there is no timeout');
  }
  return settings;
}

/** Operation ids become part of Update ids and reports: plain, bounded, never a secret. */
const OPERATION_ID = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/;

export function parseOperationRequest(value: unknown): OperationRequest {
  if (!isRecord(value)) throw new InputValidationError([{ field: 'request', value: shown(value), rule: 'must be an object with an operation' }]);
  const issues: ValidationIssue[] = [];
  for (const key of Object.keys(value)) {
    if (!REQUEST_FIELDS.includes(key)) issues.push({ field: key, value: shown(value[key]), rule: `is not a field of an operation request (${REQUEST_FIELDS.join(', ')})` });
  }
  const { operationId, expectFingerprint, confirm, opsDecisionTimeout } = value;
  if (opsDecisionTimeout !== undefined && (typeof opsDecisionTimeout !== 'string' || durationMs(opsDecisionTimeout.trim()) === null)) {
    issues.push({ field: 'opsDecisionTimeout', value: shown(opsDecisionTimeout), rule: "must be a duration such as '24h', '30m' or '0s' (roll back at once)" });
  }
  if (operationId !== undefined && (typeof operationId !== 'string' || !OPERATION_ID.test(operationId))) {
    issues.push({ field: 'operationId', value: shown(operationId), rule: 'must be 1-128 letters, digits and . _ : -, starting with a letter or digit' });
  }
  if (expectFingerprint !== undefined && (typeof expectFingerprint !== 'string' || !/^[A-Za-z0-9]{4,64}$/.test(expectFingerprint))) {
    issues.push({ field: 'expectFingerprint', value: shown(expectFingerprint), rule: "must be a plan's fingerprint as `plan` answered it" });
  }
  if (confirm !== undefined && typeof confirm !== 'boolean') issues.push({ field: 'confirm', value: shown(confirm), rule: 'must be true or false' });
  let operation: LineOperation | undefined;
  try {
    operation = parseLineOperation(value.operation);
  } catch (err) {
    if (!(err instanceof InputValidationError)) throw err;
    issues.push(...err.issues);
  }
  if (issues.length > 0 || !operation) throw new InputValidationError(issues);
  return {
    operation,
    ...(typeof operationId === 'string' ? { operationId } : {}),
    ...(typeof expectFingerprint === 'string' ? { expectFingerprint } : {}),
    ...(typeof confirm === 'boolean' ? { confirm } : {}),
    ...(typeof opsDecisionTimeout === 'string' ? { opsDecisionTimeout: opsDecisionTimeout.trim() } : {}),
  };
}
