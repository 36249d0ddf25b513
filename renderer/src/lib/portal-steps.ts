/**
 * Portal guidance in our own words, built from the organisation profile. For the default
 * NHSmail profile the menu path of its portal is named; other organisations get the same steps
 * with a generic description of where security keys are managed.
 */
import type { OrgProfile } from '../../../src/usecases/types.js';

export interface PortalSteps {
  /** Where keys are managed, e.g. "Profile, then Self-Service, then Manage FIDO2 Tokens". */
  where: string;
  register: string[];
  rename: string[];
  remove: string[];
  lost: string[];
  reRegister: string[];
  backup: string[];
}

/** Builds every step list for the guide from the profile's names. */
export function portalSteps(p: OrgProfile): PortalSteps {
  const nhs = p.id === 'nhsmail';
  const where = nhs
    ? 'your Profile page, then the Self-Service tab, then Manage FIDO2 Tokens'
    : 'the page of the portal where you manage security keys';
  const signIn = nhs
    ? `Open the ${p.portalName}, choose Login at the top right and sign in with your NHSmail address and password.`
    : `Open the ${p.portalName} and sign in.`;
  const goTo = `Go to ${where}.`;
  return {
    where,
    register: [
      signIn,
      goTo,
      nhs ? 'Choose Register New Token and agree when the browser asks to set up a security key.' : 'Choose the option to add or register a new security key and agree when the browser asks.',
      'Plug the key in when the browser asks for it.',
      'Enter the key\'s PIN. If the key has no PIN yet, the browser asks you to make one up (set it in this app first if you prefer).',
      'Touch the key when it flashes. Stay on that page until you have touched it; switching windows can cancel the registration and you would have to begin again.',
      'Give the key a nickname you will recognise later, such as "Blue key, desk drawer", and save it.',
      'Wait for the confirmation. Reload the page if the key is not in your list straight away.',
    ],
    rename: [
      signIn,
      goTo,
      nhs ? 'Find the key in the list and choose Edit next to it.' : 'Find the key in the list and choose to edit or rename it.',
      'Type the new nickname and save. Pick a name that tells this key apart from any others you use when signing in.',
      'Reload the page if the old name still shows.',
    ],
    remove: [
      signIn,
      goTo,
      nhs ? 'Choose Remove next to the key you want to take off your account.' : 'Choose to remove the key you want to take off your account.',
      'Confirm the removal when asked. The key can no longer be used to sign in to your account.',
      'Reload the page if it is still listed.',
    ],
    lost: [
      'Sign in another way (for example with your authenticator app) and remove the lost key from your account straight away, following the removal steps above.',
      `If you cannot sign in without it, contact ${p.supportContact} now and say the key is lost or stolen.`,
      'Someone who finds the key still needs its PIN, and the key locks itself after too many wrong tries, but removing it from your account closes the door completely.',
      `Ask ${p.supportContact} how to get a replacement, then register the new key.`,
    ],
    reRegister: [
      `Sign in to the ${p.portalName} another way, for example with your authenticator app or a second key.`,
      `Go to ${where} and remove the old entry for this key: after the reset it no longer works.`,
      'Register the key again as a new key, giving it a nickname.',
      'Sign out and back in with the key to check it works.',
    ],
    backup: [
      'Have at least two ways to sign in: this key plus an authenticator app on your phone, or a second registered key.',
      `Set the second way up while you still have the first: add it in the ${p.portalName} during or just after registering this key.`,
      `If you are unsure what is set up on your account, ask ${p.supportContact}.`,
    ],
  };
}
