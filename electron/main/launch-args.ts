/**
 * Command-line switches of the desktop app: `--demo` starts in demo mode (the built-in software
 * key), `--org-profile=<file>` names the administrator's organisation profile.
 */
export interface LaunchArgs {
  demo: boolean;
  orgProfilePath?: string;
}

/** Read the app's switches from process.argv; unknown switches (Chromium's own) are ignored. */
export function parseLaunchArgs(argv: readonly string[]): LaunchArgs {
  const out: LaunchArgs = { demo: false };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--demo') out.demo = true;
    else if (arg.startsWith('--org-profile=')) {
      const path = arg.slice('--org-profile='.length);
      if (path) out.orgProfilePath = path;
    } else if (arg === '--org-profile' && i + 1 < argv.length) {
      out.orgProfilePath = argv[++i];
    }
  }
  return out;
}
