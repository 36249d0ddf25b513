/**
 * The organisation profile: who the user asks for help, which portal registers keys, which links
 * may be opened. The NHSmail profile is built in; an administrator may replace it with a JSON file
 * (path from options, SKM_ORG_PROFILE, or a well-known system path). A file that fails validation
 * is reported and ignored as a whole: the default stays in force, never half of each.
 */
import { readFile as fsReadFile } from 'node:fs/promises';
import { z } from 'zod';
import nhsmail from '../../resources/org-profiles/nhsmail.json' with { type: 'json' };
import type { OrgProfile, OrgProfileState } from './types.js';

const HOSTNAME = /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)+$/;

function hostOf(url: string): string {
  return new URL(url).hostname.toLowerCase();
}

const httpsUrl = z
  .string()
  .max(2048)
  .refine((u) => {
    try {
      const p = new URL(u);
      return p.protocol === 'https:' && p.username === '' && p.password === '' && p.port === '' && !/[\s\\]/.test(u);
    } catch {
      return false;
    }
  }, 'must be an https:// address without user name, password or port');

const text = (max: number) => z.string().trim().min(1).max(max);

/** Schema of an organisation profile file. Unknown fields are refused, so typos do not pass silently. */
export const OrgProfileSchema = z
  .strictObject({
    $schema: z.string().optional(),
    _comment: z.string().optional(),
    id: z.string().regex(/^[a-z0-9][a-z0-9-]{0,63}$/, 'lowercase letters, digits and dashes'),
    organisationName: text(120),
    portalName: text(120),
    portalUrl: httpsUrl,
    supportContact: text(200),
    supportUrl: httpsUrl.optional(),
    allowedHosts: z.array(z.string().regex(HOSTNAME, 'a lowercase host name, no wildcards')).min(1).max(32),
    links: z.array(z.strictObject({ label: text(200), url: httpsUrl })).max(32),
  })
  .superRefine((p, ctx) => {
    const allowed = new Set(p.allowedHosts);
    const check = (url: string | undefined, path: (string | number)[]) => {
      if (url === undefined) return;
      let host: string;
      try {
        host = hostOf(url);
      } catch {
        return; // already reported by httpsUrl
      }
      if (!allowed.has(host)) ctx.addIssue({ code: 'custom', path, message: `host ${host} is not in allowedHosts` });
    };
    check(p.portalUrl, ['portalUrl']);
    check(p.supportUrl, ['supportUrl']);
    p.links.forEach((l, i) => check(l.url, ['links', i, 'url']));
  });

function toProfile(p: z.infer<typeof OrgProfileSchema>): OrgProfile {
  const { $schema: _s, _comment: _c, ...rest } = p;
  return { ...rest, allowedHosts: [...rest.allowedHosts], links: rest.links.map((l) => ({ ...l })) };
}

/** The built-in NHSmail profile (resources/org-profiles/nhsmail.json), validated like any other. */
export const DEFAULT_ORG_PROFILE: OrgProfile = Object.freeze(toProfile(OrgProfileSchema.parse(nhsmail))) as OrgProfile;

/** Where an administrator puts the profile on each operating system. */
export function wellKnownOrgProfilePath(platform: NodeJS.Platform, env: Record<string, string | undefined> = process.env): string | undefined {
  switch (platform) {
    case 'linux':
      return '/etc/security-key-manager/org-profile.json';
    case 'darwin':
      return '/Library/Application Support/Security Key Manager/org-profile.json';
    case 'win32':
      return `${env.ProgramData ?? 'C:\\ProgramData'}\\Security Key Manager\\org-profile.json`;
    default:
      return undefined;
  }
}

export interface LoadOrgProfileOptions {
  /** Explicit path (KeyServiceOptions.orgProfilePath / CLI flag): a missing file is an error. */
  path?: string;
  env?: Record<string, string | undefined>;
  platform?: NodeJS.Platform;
  /** Injected for tests. */
  readFile?: (path: string) => Promise<string>;
}

/** Validate a profile object; returns the profile or the plain list of problems. */
export function parseOrgProfile(value: unknown): { ok: true; profile: OrgProfile } | { ok: false; error: string } {
  const result = OrgProfileSchema.safeParse(value);
  if (result.success) return { ok: true, profile: toProfile(result.data) };
  const problems = result.error.issues.map((i) => `${i.path.length ? i.path.join('.') : '(file)'}: ${i.message}`);
  return { ok: false, error: problems.join('; ') };
}

/** Load the profile in force: the administrator's file when valid, else the default (with the reason). */
export async function loadOrgProfile(opts: LoadOrgProfileOptions = {}): Promise<OrgProfileState> {
  const env = opts.env ?? process.env;
  const read = opts.readFile ?? ((p: string) => fsReadFile(p, 'utf8'));
  const explicit = opts.path ?? (env.SKM_ORG_PROFILE ? env.SKM_ORG_PROFILE : undefined);
  const path = explicit ?? wellKnownOrgProfilePath(opts.platform ?? process.platform, env);
  const fallback = (error?: string): OrgProfileState => ({
    profile: cloneProfile(DEFAULT_ORG_PROFILE),
    source: 'default',
    ...(error ? { error } : {}),
  });
  if (!path) return fallback();
  let raw: string;
  try {
    raw = await read(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    // Only a file somebody pointed us at must exist; the well-known path is optional.
    if (code === 'ENOENT' && explicit === undefined) return fallback();
    return fallback(`Organisation profile ${path} could not be read (${code ?? 'error'}); using the built-in ${DEFAULT_ORG_PROFILE.organisationName} profile.`);
  }
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    return fallback(`Organisation profile ${path} is not valid JSON; using the built-in ${DEFAULT_ORG_PROFILE.organisationName} profile.`);
  }
  const parsed = parseOrgProfile(json);
  if (!parsed.ok) {
    return fallback(`Organisation profile ${path} was rejected (${parsed.error}); using the built-in ${DEFAULT_ORG_PROFILE.organisationName} profile.`);
  }
  return { profile: parsed.profile, source: 'file' };
}

function cloneProfile(p: OrgProfile): OrgProfile {
  return { ...p, allowedHosts: [...p.allowedHosts], links: p.links.map((l) => ({ ...l })) };
}
