/** A scripted CTAP2 key: answers getInfo from a given map and other commands through a handler. */
import { type CborValue, decodeCbor, encodeCbor } from '../../../../src/cbor.js';
import { Ctap2 } from '../../../../src/ctap2/ctap2.js';
import { CtapHidCmd } from '../../../../src/ctaphid/framing.js';
import { FakeKey } from './fake-key.js';

export interface Ctap2Request {
  command: number;
  params?: Map<any, any>;
  raw: Uint8Array;
}

/** What the handler returns: a status and optional body, or 'silent' to not answer (it may answer later via key). */
export type Ctap2Answer = { status?: number; body?: unknown } | 'silent';

export function infoMap(overrides: [number, CborValue][] = []): Map<number, CborValue> {
  const m = new Map<number, CborValue>([
    [1, ['FIDO_2_0', 'FIDO_2_1']],
    [3, new Uint8Array(16).fill(0x11)],
    [4, new Map<string, CborValue>([['clientPin', true], ['pinUvAuthToken', true], ['credMgmt', true], ['authnrCfg', true], ['setMinPINLength', true], ['alwaysUv', false]])],
    [5, 1200],
    [6, [2, 1]],
  ]);
  for (const [k, v] of overrides) {
    if (v === undefined) m.delete(k);
    else m.set(k, v);
  }
  return m;
}

export class FakeCtap2Key {
  readonly key: FakeKey;
  readonly requests: Ctap2Request[] = [];

  constructor(
    public info: Map<number, CborValue>,
    public handler: (req: Ctap2Request, key: FakeKey) => Ctap2Answer = () => ({ status: 0 }),
  ) {
    this.key = new FakeKey((req, k) => {
      if (req.cmd !== CtapHidCmd.CBOR) return;
      const raw = req.payload;
      const r: Ctap2Request = { command: raw[0]!, raw };
      if (raw.length > 1) r.params = decodeCbor(raw.subarray(1)) as Map<any, any>;
      this.requests.push(r);
      const answer = r.command === 0x04 ? { status: 0, body: this.info } : this.handler(r, k);
      if (answer === 'silent') return;
      k.cbor(answer.status ?? 0, answer.body === undefined ? undefined : encodeCbor(answer.body as CborValue));
    });
  }

  /** Requests other than getInfo. */
  get commands(): Ctap2Request[] {
    return this.requests.filter((r) => r.command !== 0x04);
  }

  async open(): Promise<Ctap2> {
    return Ctap2.open(await this.key.open());
  }
}
