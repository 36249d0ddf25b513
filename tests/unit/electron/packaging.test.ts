/**
 * electron-builder.yml: targets, deb dependencies and udev rule installation, Electron fuses,
 * what goes into the package. Parsed with a small strict YAML reader, then validated against
 * electron-builder's own configuration schema.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseYaml, type YamlValue } from './mini-yaml.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const config = parseYaml(readFileSync(resolve(root, 'electron-builder.yml'), 'utf8')) as Record<string, any>;

describe('mini-yaml (the reader the packaging checks rely on)', () => {
  it('reads nested mappings, sequences of scalars and of mappings, quoted scalars and comments', () => {
    const doc = parseYaml(
      [
        '# comment',
        'a: 1',
        'b:',
        '  c: true',
        '  d: "x # not a comment"',
        '  e:',
        '    - one',
        "    - 'two'",
        'f:',
        '  - from: x',
        '    to: y',
        '  - z',
        'g: ${name}.${ext} # trailing',
        'h: null',
      ].join('\n'),
    );
    expect(doc).toEqual({
      a: 1,
      b: { c: true, d: 'x # not a comment', e: ['one', 'two'] },
      f: [{ from: 'x', to: 'y' }, 'z'],
      g: '${name}.${ext}',
      h: null,
    } satisfies YamlValue);
  });

  it('refuses what it does not understand instead of guessing', () => {
    expect(() => parseYaml('a: [1, 2]')).toThrow(/unsupported/);
    expect(() => parseYaml('a: 1\na: 2')).toThrow(/duplicate/);
    expect(() => parseYaml('a:\n\tb: 1')).toThrow(/tab/);
    expect(() => parseYaml('a: 1\n   b: 2')).toThrow(/indentation/);
  });
});

describe('electron-builder.yml', () => {
  it('is a valid electron-builder 26 configuration (its own schema validator)', async () => {
    const requireFromBuilder = createRequire(createRequire(import.meta.url).resolve('electron-builder/package.json'));
    const { validateConfiguration } = requireFromBuilder('app-builder-lib/out/util/config/config.js') as {
      validateConfiguration(c: unknown, log: { isEnabled: boolean; add(): void }): Promise<void>;
    };
    await expect(validateConfiguration(config, { isEnabled: false, add() {} })).resolves.toBeUndefined();
    // The validator is live: a misspelt option is refused.
    await expect(validateConfiguration({ ...config, linux: { ...config.linux, targt: ['deb'] } }, { isEnabled: false, add() {} })).rejects.toThrow(
      /configuration/i,
    );
  });

  it('builds AppImage and deb on Linux, dmg on macOS, nsis on Windows', () => {
    expect(config.linux.target).toEqual(expect.arrayContaining(['AppImage', 'deb']));
    expect(config.mac.target).toContain('dmg');
    expect(config.win.target).toContain('nsis');
    expect(config.productName).toBe('Security Key Manager');
  });

  it('sets the security fuses', () => {
    expect(config.electronFuses).toMatchObject({
      runAsNode: false,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      enableEmbeddedAsarIntegrityValidation: true,
      onlyLoadAppFromAsar: true,
    });
    // onlyLoadAppFromAsar and integrity validation only mean something with an asar archive.
    expect(config.asar).toBe(true);
  });

  it('packages the build output only, never sources or tests', () => {
    expect(config.files).toContain('out/**/*');
    expect(config.files).toContain('package.json');
    for (const pattern of config.files as string[]) {
      expect(pattern).not.toMatch(/^(src|tests|electron|renderer)\b/);
    }
    expect(config.asarUnpack).toContain('**/*.node');
  });

  it('deb depends on libusb and libudev and keeps Electron’s own runtime libraries', () => {
    expect(config.deb.depends).toEqual(expect.arrayContaining(['libusb-1.0-0', 'libudev1', 'libgtk-3-0', 'libnss3']));
  });

  it('deb installs the udev rule into /usr/lib/udev/rules.d and reloads udev', () => {
    const rule = (config.extraResources as { from: string; to: string }[]).find((r) => r.from === 'resources/linux/70-security-key-manager.rules');
    expect(rule, 'the rules file is shipped as an extra resource').toBeDefined();
    expect(existsSync(resolve(root, rule!.from))).toBe(true);

    const script = readFileSync(resolve(root, config.deb.afterInstall as string), 'utf8');
    // The installed copy is read from where extraResources put it inside the app directory.
    expect(script).toContain(`/opt/\${sanitizedProductName}/resources/${rule!.to}`);
    expect(script).toMatch(/install -D -m 0644 "\$UDEV_RULES_SOURCE" "\$UDEV_RULES_TARGET"/);
    expect(script).toContain("UDEV_RULES_TARGET='/usr/lib/udev/rules.d/70-security-key-manager.rules'");
    expect(script).toContain('udevadm control --reload-rules');
    // electron-builder's default post-install duties are kept.
    expect(script).toContain("update-alternatives --install '/usr/bin/${executable}'");
    expect(script).toContain('chrome-sandbox');

    const remove = readFileSync(resolve(root, config.deb.afterRemove as string), 'utf8');
    expect(remove).toContain("rm -f '/usr/lib/udev/rules.d/70-security-key-manager.rules'");
  });

  it('maintainer scripts use only the macros electron-builder defines and are valid bash', () => {
    for (const file of [config.deb.afterInstall, config.deb.afterRemove] as string[]) {
      const text = readFileSync(resolve(root, file), 'utf8');
      // electron-builder replaces every ${name}; an undefined one fails the build.
      const macros = new Set([...text.matchAll(/\$\{([a-zA-Z]+)\}/g)].map((m) => m[1]));
      expect([...macros].sort()).toEqual(['executable', 'sanitizedProductName']);
      const check = spawnSync('bash', ['-n', resolve(root, file)], { encoding: 'utf8' });
      expect(check.status, check.stderr).toBe(0);
    }
  });

  it('signs macOS builds with the hardened runtime and the entitlements file that exists', () => {
    expect(config.mac.hardenedRuntime).toBe(true);
    const plist = readFileSync(resolve(root, config.mac.entitlements as string), 'utf8');
    expect(plist).toContain('com.apple.security.cs.allow-jit');
    expect(plist).not.toContain('com.apple.security.cs.disable-library-validation');
  });
});
