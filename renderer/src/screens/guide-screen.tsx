/**
 * Portal guide: registering, renaming and removing a key in the organisation's portal, the
 * PIN and reset warnings, a backup way to sign in, lost keys and who to ask — in our own words,
 * named after the organisation profile (getOrgProfile, default NHSmail).
 */
import { api } from '../api/client.js';
import { Notice, OutcomePanel } from '../components/outcome-panel.js';
import { ScreenFrame } from '../components/screen-frame.js';
import { useOperation } from '../components/use-operation.js';
import { portalSteps } from '../lib/portal-steps.js';
import { navigate } from '../stores/nav-store.js';
import { useOrgStore, useProfile } from '../stores/org-store.js';

function Steps({ items }: { items: string[] }) {
  return (
    <ol className="steps">
      {items.map((t) => (
        <li key={t}>{t}</li>
      ))}
    </ol>
  );
}

export function GuideScreen() {
  const profile = useProfile();
  const org = useOrgStore();
  const steps = portalSteps(profile);
  const op = useOperation();
  const open = (url: string) => void op.run(() => api.openExternal(url));
  return (
    <ScreenFrame
      id="guide"
      intro={
        <p>
          Your key is registered with your account in the {profile.portalName}. This page explains the parts done there, and which parts this app does for you.
        </p>
      }
    >
      {org.state?.error && (
        <Notice tone="warning" title="Your administrator's settings file was not used" testId="org-profile-error">
          <p>The file was rejected: {org.state.error}</p>
          <p>The built-in {profile.organisationName} settings are used instead. Let {profile.supportContact} know.</p>
        </Notice>
      )}
      {org.error && <OutcomePanel error={org.error} noAction />}
      <div className="card">
        <h2>The {profile.portalName}</h2>
        <p>
          {profile.organisationName} keys are registered, renamed and removed in the portal, at {steps.where}.
        </p>
        <div className="actions">
          <button type="button" className="btn btn-primary" onClick={() => open(profile.portalUrl)}>
            Open the {profile.portalName}
          </button>
        </div>
        {op.error && <OutcomePanel error={op.error} noAction />}
      </div>

      <div className="card">
        <h2>Register a key in the portal</h2>
        <p>Before a key can be used to sign in, it has to be linked to your account. You need the key, its PIN (or be ready to make one up) and a few minutes.</p>
        <Steps items={steps.register} />
        <p className="small">No key yet? Ask {profile.supportContact} how keys are given out where you work.</p>
      </div>

      <div className="card">
        <h2>Rename a key (its nickname)</h2>
        <p>The nickname is how you pick the right key from the list when you sign in, so make it something you will recognise.</p>
        <Steps items={steps.rename} />
      </div>

      <div className="card">
        <h2>Remove a key from the portal</h2>
        <Steps items={steps.remove} />
      </div>

      <div className="card">
        <h2>Change the PIN</h2>
        <p>
          The PIN lives on the key itself, so it is changed with this app, not in the portal. You enter the current PIN once and the new one twice. It is a good idea to replace a PIN that someone else chose for you the first time you sign in.
        </p>
        <div className="actions">
          <button type="button" className="btn" onClick={() => navigate('pin')}>
            Go to PIN
          </button>
        </div>
      </div>

      <div className="card">
        <h2>Before you reset a key</h2>
        <p>
          A factory reset is not a way to change a PIN. It wipes the key: your {profile.organisationName} registration and every other sign-in on it are gone, and the PIN with them.
        </p>
        <ul>
          <li>If you have another way to sign in, you can reset the key yourself and then register it again in the portal.</li>
          <li>
            If you have no other way to sign in, or you are not sure, do not reset it. Contact {profile.supportContact}; they can help you with the PIN and the registration.
          </li>
        </ul>
        <div className="actions">
          <button type="button" className="btn" onClick={() => navigate('reset')}>
            Go to factory reset
          </button>
        </div>
      </div>

      <div className="card">
        <h2>Keep a backup way to sign in</h2>
        <Steps items={steps.backup} />
      </div>

      <div className="card">
        <h2>If your key is lost or stolen</h2>
        <Steps items={steps.lost} />
      </div>

      <div className="card">
        <h2>Getting help</h2>
        <p>
          For anything about your account, getting a key or a problem you cannot solve here, your first contact is {profile.supportContact}. A support report from the key overview helps them see what is going on.
        </p>
        {(profile.links.length > 0 || profile.supportUrl) && (
          <ul className="link-list">
            {profile.supportUrl && (
              <li>
                <button type="button" className="link-button" onClick={() => open(profile.supportUrl!)}>
                  Help and support
                </button>
              </li>
            )}
            {profile.links.map((l) => (
              <li key={l.url + l.label}>
                <button type="button" className="link-button" onClick={() => open(l.url)}>
                  {l.label}
                </button>
              </li>
            ))}
          </ul>
        )}
        <p className="small muted">
          Links open in your web browser.{org.state?.source === 'file' ? ' These settings come from your administrator.' : ''}
        </p>
      </div>
    </ScreenFrame>
  );
}
