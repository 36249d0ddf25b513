/** A read-only list of passkeys grouped by site (CTAP 2.1 §6.8 credential management results). */
import type { PasskeyList } from '../../../src/usecases/types.js';
import { formatCount } from '../lib/format.js';

export function passkeyUserName(p: { userName?: string; userDisplayName?: string }): string {
  return p.userDisplayName && p.userName && p.userDisplayName !== p.userName
    ? `${p.userDisplayName} (${p.userName})`
    : (p.userName ?? p.userDisplayName ?? 'Unnamed account');
}

export function PasskeySummary({ list }: { list: PasskeyList }) {
  const total = list.sites.reduce((n, s) => n + s.passkeys.length, 0);
  if (total === 0) return <p data-testid="passkey-summary">There are no passkeys stored on this key.</p>;
  return (
    <div data-testid="passkey-summary">
      <p>
        {formatCount(total, 'passkey', 'passkeys')} on {formatCount(list.sites.length, 'site', 'sites')}:
      </p>
      <ul className="plain-list">
        {list.sites.map((site) => (
          <li key={site.rpId}>
            <strong>{site.rpName && site.rpName !== site.rpId ? `${site.rpName} (${site.rpId})` : site.rpId}</strong>
            <ul>
              {site.passkeys.map((p) => (
                <li key={p.credentialId}>{passkeyUserName(p)}</li>
              ))}
            </ul>
          </li>
        ))}
      </ul>
    </div>
  );
}
