/**
 * The software authenticator: a CTAP 2.1 security key in software (CTAP 2.1 §6, §11.2), for tests,
 * the demo mode and the UDP simulator.
 */
export { SoftwareAuthenticator } from './software-authenticator.js';
export type { AuthenticatorSnapshot, SoftwareAuthenticatorOptions } from './software-authenticator.js';
export { UserPresence } from './presence.js';
export type { PresenceOutcome, PresencePolicy } from './presence.js';
export { FaultInjector } from './faults.js';
export { profiles, resolveProfile } from './profiles.js';
export type { AuthenticatorProfile, Ctap21Features } from './profiles.js';
export { FileStore, MemoryStore } from './state-store.js';
export type { PersistentState, StateStore, StoredCredential } from './state-store.js';
