/**
 * Passkeys: list the discoverable credentials on the key (CTAP 2.1 §6.8
 * authenticatorCredentialManagement, unlocked with the PIN) and delete one after confirmation.
 * The session handle stays in this component and is closed when the person leaves.
 */
import { useEffect, useRef, useState, type FormEvent } from 'react';
import type { Passkey, PasskeyList, PasskeySite } from '../../../src/usecases/types.js';
import { api } from '../api/client.js';
import { KeyBanner, KeyRequired, type KeyContext } from '../components/key-required.js';
import { Notice, OutcomePanel } from '../components/outcome-panel.js';
import { passkeyUserName } from '../components/passkey-list.js';
import { PinField } from '../components/pin-field.js';
import { ScreenFrame } from '../components/screen-frame.js';
import { useOperation } from '../components/use-operation.js';
import { formatCount } from '../lib/format.js';
import { announce } from '../stores/announce-store.js';

function siteName(site: PasskeySite): string {
  return site.rpName && site.rpName !== site.rpId ? `${site.rpName} (${site.rpId})` : site.rpId;
}

function PasskeyRow({ site, passkey, onDelete, busy }: { site: PasskeySite; passkey: Passkey; onDelete: () => Promise<boolean>; busy: boolean }) {
  const [confirming, setConfirming] = useState(false);
  const yesRef = useRef<HTMLButtonElement>(null);
  const deleteRef = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    if (confirming) yesRef.current?.focus();
  }, [confirming]);
  const user = passkeyUserName(passkey);
  return (
    <li className="passkey" data-testid="passkey-item">
      <p>
        <strong>{user}</strong>
      </p>
      {!confirming ? (
        <div className="actions">
          <button ref={deleteRef} type="button" className="btn btn-danger-quiet" disabled={busy} onClick={() => setConfirming(true)}>
            Delete<span className="visually-hidden"> passkey for {user} on {site.rpId}</span>
          </button>
        </div>
      ) : (
        <div className="panel panel-warning" role="group" aria-label="Confirm deletion">
          <p className="panel-title">Delete this passkey?</p>
          <p>
            You will no longer be able to sign in to {siteName(site)} as {user} with this key. This cannot be undone.
          </p>
          <div className="actions">
            <button
              ref={yesRef}
              type="button"
              className="btn btn-danger"
              disabled={busy}
              onClick={async () => {
                const ok = await onDelete();
                if (!ok) setConfirming(false);
              }}
            >
              Yes, delete passkey
            </button>
            <button
              type="button"
              className="btn"
              onClick={() => {
                setConfirming(false);
                setTimeout(() => deleteRef.current?.focus(), 0);
              }}
            >
              Keep it
            </button>
          </div>
        </div>
      )}
    </li>
  );
}

function Passkeys({ ctx }: { ctx: KeyContext }) {
  const { key, info } = ctx;
  const [pin, setPin] = useState('');
  const [list, setList] = useState<PasskeyList | undefined>();
  const session = useRef<string | undefined>(undefined);
  const op = useOperation();

  // Close the session whenever this view goes away (other screen, other key).
  useEffect(
    () => () => {
      if (session.current) void api.closePasskeys(session.current);
      session.current = undefined;
    },
    [],
  );

  async function unlock(e: FormEvent) {
    e.preventDefault();
    if (!pin) {
      op.setError({ code: 'INVALID_ARGUMENT', message: 'Enter the PIN to see the passkeys.' });
      return;
    }
    const value = pin;
    setPin('');
    const r = await op.run(() => api.listPasskeys(key.id, value));
    if (r) {
      session.current = r.session;
      setList(r.list);
      const n = r.list.sites.reduce((a, s) => a + s.passkeys.length, 0);
      announce(`${formatCount(n, 'passkey', 'passkeys')} found.`);
    }
  }

  async function lock() {
    if (session.current) await api.closePasskeys(session.current);
    session.current = undefined;
    setList(undefined);
    announce('Passkey list closed.');
  }

  async function remove(site: PasskeySite, p: Passkey): Promise<boolean> {
    const s = session.current;
    if (!s) return false;
    const r = await op.run(() => api.deletePasskey(s, p.credentialId));
    if (r) {
      setList(r);
      announce(`Passkey for ${passkeyUserName(p)} on ${site.rpId} deleted.`);
      return true;
    }
    return false;
  }

  if (!info.supports.credentialManagement) {
    return (
      <>
        <KeyBanner keyInfo={ctx} />
        <Notice title="This key cannot list its passkeys">
          <p>It does not support managing stored sign-ins. Sites you registered it with still work.</p>
        </Notice>
      </>
    );
  }
  if (!info.pin.isSet) {
    return (
      <>
        <KeyBanner keyInfo={ctx} />
        <OutcomePanel error={{ code: 'PIN_NOT_SET', message: 'Passkeys are protected by the PIN, and this key has none yet.' }} />
      </>
    );
  }
  return (
    <>
      <KeyBanner keyInfo={ctx} />
      {!list ? (
        <form className="card form" onSubmit={unlock} noValidate aria-labelledby="passkeys-unlock">
          <h2 id="passkeys-unlock">Show the passkeys on this key</h2>
          <p>Passkeys are sign-ins stored on the key for websites and services. Enter the PIN to see them.</p>
          <PinField label="PIN" value={pin} onChange={setPin} disabled={op.busy} />
          {op.error && <OutcomePanel error={op.error} />}
          <div className="actions">
            <button type="submit" className="btn btn-primary" disabled={op.busy}>
              Show passkeys
            </button>
          </div>
        </form>
      ) : (
        <div className="card" data-testid="passkey-list">
          <h2>Passkeys on this key</h2>
          <p className="small muted">
            {formatCount(list.existingCount, 'passkey', 'passkeys')} stored, room for {list.remainingCount} more.
          </p>
          {list.sites.length === 0 && <p>There are no passkeys on this key.</p>}
          {op.error && <OutcomePanel error={op.error} />}
          {list.sites.map((site) => (
            <section key={site.rpId} className="site" aria-labelledby={`site-${site.rpId}`}>
              <h3 id={`site-${site.rpId}`}>{siteName(site)}</h3>
              <ul className="plain-list">
                {site.passkeys.map((p) => (
                  <PasskeyRow key={p.credentialId} site={site} passkey={p} busy={op.busy} onDelete={() => remove(site, p)} />
                ))}
              </ul>
            </section>
          ))}
          <div className="actions">
            <button type="button" className="btn" onClick={() => void lock()}>
              Close the list
            </button>
          </div>
        </div>
      )}
    </>
  );
}

export function PasskeysScreen() {
  return (
    <ScreenFrame id="passkeys">
      <KeyRequired>{(ctx) => <Passkeys key={ctx.key.id} ctx={ctx} />}</KeyRequired>
    </ScreenFrame>
  );
}
