// Finding a resource by its deterministic key, through whichever activity profile the caller is in.
import type { exotel } from './activity-profiles';

type Via = typeof exotel;

export async function findMapping(accountSid: string, trunkSid: string, did: string, via: Via) {
  return (await via.listPhoneNumbers({ accountSid, trunkSid })).find((n) => n.phoneNumber === did) ?? null;
}

export async function findCredential(accountSid: string, trunkSid: string, userName: string, via: Via) {
  return (await via.listCredentials({ accountSid, trunkSid })).find((c) => c.userName === userName) ?? null;
}

export async function findAclEntry(accountSid: string, trunkSid: string, ip: string, via: Via) {
  return (await via.listWhitelistedIps({ accountSid, trunkSid })).find((e) => e.ip === ip) ?? null;
}
