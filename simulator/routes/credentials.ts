// /trunks/{tsid}/credentials (reference §3 rows 18–21, §4.5). Passwords are validated, then forgotten:
// Exotel never echoes them and the simulator has no use for them, so they can never leak from here.

import { duplicate, type ApiResult, type ExotelError } from '../envelopes';
import { page } from '../paging';
import { decodeObject } from '../request-body';
import { checkFriendlyName, checkPassword, checkUserName } from '../rules';
import { isoNow, type TrunkRecord } from '../store';
import { credentialValues } from '../timeline';
import type { Credential } from '../types';
import { byId, removeById, targetId, type ApiRequest } from './request';

const CREDENTIAL_BODY = { user_name: 'string', password: 'string', friendly_name: 'string' } as const;

// [I] Exotel's duplicate behaviour for credentials is unobserved; we follow its other 1008s.
const duplicateUser = (userName: string): ExotelError => duplicate(`Unable to create credential with user_name ${userName}`);

const userTaken = (record: TrunkRecord, userName: string, except?: string): boolean =>
  record.credentials.some((c) => c.user_name === userName && c.id !== except);

export function createCredential(req: ApiRequest): ApiResult {
  const record = req.store.trunk(req.account.sid, req.params.trunk_sid);
  const body = decodeObject(req.body, CREDENTIAL_BODY, 'CreateCredentialRequest');
  const userName = checkUserName(body.user_name);
  checkPassword(body.password);
  const friendlyName = checkFriendlyName(body.friendly_name);
  if (userTaken(record, userName)) throw duplicateUser(userName);
  const now = isoNow();
  const credential: Credential = {
    id: req.store.newId(),
    trunk_sid: record.trunk.trunk_sid,
    user_name: userName,
    friendly_name: friendlyName,
    date_created: now,
    date_updated: now,
  };
  record.credentials.push(credential);
  req.store.changedTrunk(req.account.sid, record, { kind: 'credential', operation: 'create', id: credential.id, values: credentialValues(credential) });
  return { kind: 'object', data: credential };
}

/** A page of credentials, or the one row `?id=` names (list-shaped [I]). */
export function listCredentials(req: ApiRequest): ApiResult {
  const record = req.store.trunk(req.account.sid, req.params.trunk_sid);
  const id = req.query.get('id');
  const rows = id ? [byId(record.credentials, id)] : record.credentials;
  const path = `${req.basePath}/trunks/${record.trunk.trunk_sid}/credentials`;
  return page(rows, { path, query: req.query, keep: ['id'], credentialsStyle: true });
}

/** PUT takes the id in the path (S3b); any of user_name, password, friendly_name. */
export function updateCredential(req: ApiRequest): ApiResult {
  const record = req.store.trunk(req.account.sid, req.params.trunk_sid);
  const credential = byId(record.credentials, req.params.id);
  const body = decodeObject(req.body, CREDENTIAL_BODY, 'UpdateCredentialRequest');
  const userName = body.user_name === undefined ? credential.user_name : checkUserName(body.user_name);
  if (body.password !== undefined) checkPassword(body.password);
  const friendlyName = body.friendly_name === undefined ? credential.friendly_name : checkFriendlyName(body.friendly_name);
  if (userTaken(record, userName, credential.id)) throw duplicateUser(userName);
  const previous = credentialValues(credential);
  Object.assign(credential, { user_name: userName, friendly_name: friendlyName, date_updated: isoNow() });
  req.store.changedTrunk(req.account.sid, record, {
    kind: 'credential',
    operation: 'update',
    id: credential.id,
    // Whether the password was rotated, which is what a SIP client notices; the password itself is never kept.
    values: { ...credentialValues(credential), password_changed: body.password !== undefined },
    previous,
  });
  return { kind: 'object', data: credential };
}

/** Query `?id=` only: S3b documents the path form as wrong for DELETE. Returns the deleted credential. */
export function deleteCredential(req: ApiRequest): ApiResult {
  const record = req.store.trunk(req.account.sid, req.params.trunk_sid);
  const credential = removeById(record.credentials, targetId(req));
  req.store.changedTrunk(req.account.sid, record, { kind: 'credential', operation: 'delete', id: credential.id, values: credentialValues(credential) });
  return { kind: 'object', data: credential };
}
