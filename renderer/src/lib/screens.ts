/**
 * The app's screens: one id per screen, the sidebar label (also the accessible name of its
 * navigation button) and the screen's main heading.
 */
export type ScreenId = 'keys' | 'overview' | 'pin' | 'touch' | 'passkeys' | 'settings' | 'reset' | 'guide';

export interface ScreenDef {
  id: ScreenId;
  /** Sidebar button text. */
  nav: string;
  /** The screen's h1. */
  heading: string;
}

export const SCREENS: readonly ScreenDef[] = [
  { id: 'keys', nav: 'Keys', heading: 'Security keys' },
  { id: 'overview', nav: 'Key overview', heading: 'Key overview' },
  { id: 'pin', nav: 'PIN', heading: 'PIN' },
  { id: 'touch', nav: 'Touch test', heading: 'Touch test' },
  { id: 'passkeys', nav: 'Passkeys', heading: 'Passkeys' },
  { id: 'settings', nav: 'Key settings', heading: 'Key settings' },
  { id: 'reset', nav: 'Factory reset', heading: 'Factory reset' },
  { id: 'guide', nav: 'Portal guide', heading: 'Portal guide' },
];

export function screenDef(id: ScreenId): ScreenDef {
  return SCREENS.find((s) => s.id === id) ?? SCREENS[0]!;
}

export function isScreenId(v: unknown): v is ScreenId {
  return typeof v === 'string' && SCREENS.some((s) => s.id === v);
}
