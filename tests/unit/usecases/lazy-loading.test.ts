import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const dir = new URL('../../../src/usecases/', import.meta.url);
const files = readdirSync(dir).filter((f) => f.endsWith('.ts'));

/** Static value imports (not `import type`) of a module. */
function staticImports(source: string): string[] {
  return [...source.matchAll(/^import\s+(?!type\s)[^;]*?from\s+'([^']+)'/gms)].map((m) => m[1]!);
}

describe('the use cases load lazily', () => {
  it('no use-case file statically imports node-hid, the HID/UDP transports or the software authenticator', () => {
    expect(files).toContain('key-service.ts');
    for (const f of files) {
      const imports = staticImports(readFileSync(new URL(f, dir), 'utf8'));
      for (const spec of imports) {
        expect(spec, `${f} imports ${spec}`).not.toMatch(/node-hid|transport\/udp|authenticator\//);
      }
    }
  });

  it('creating the service loads nothing and opens nothing', async () => {
    const { createKeyService } = await import('../../../src/usecases/key-service.js');
    let listed = 0;
    const s = createKeyService({ usb: false, extraProviders: [{ list: async () => (listed++, []), open: async () => Promise.reject(new Error('no')) }] });
    await new Promise((r) => setTimeout(r, 20));
    expect(listed).toBe(0);
    expect(await s.listKeys()).toEqual([]);
    expect(listed).toBe(1);
    await s.close();
  });
});
