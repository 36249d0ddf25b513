/** The app shell: skip link, sidebar navigation, the current screen, demo controls, live region. */
import { DemoTouchControls } from './components/demo-controls.js';
import { LiveRegion } from './components/live-region.js';
import { Sidebar } from './components/sidebar.js';
import type { ScreenId } from './lib/screens.js';
import { GuideScreen } from './screens/guide-screen.js';
import { KeysScreen } from './screens/keys-screen.js';
import { OverviewScreen } from './screens/overview-screen.js';
import { PasskeysScreen } from './screens/passkeys-screen.js';
import { PinScreen } from './screens/pin-screen.js';
import { ResetScreen } from './screens/reset-screen.js';
import { SettingsScreen } from './screens/settings-screen.js';
import { TouchScreen } from './screens/touch-screen.js';
import { useNavStore } from './stores/nav-store.js';
import { DEMO_KEY_LABEL } from './lib/key-label.js';
import { useKeysStore } from './stores/keys-store.js';

const SCREEN_VIEWS: Record<ScreenId, () => React.JSX.Element> = {
  keys: KeysScreen,
  overview: OverviewScreen,
  pin: PinScreen,
  touch: TouchScreen,
  passkeys: PasskeysScreen,
  settings: SettingsScreen,
  reset: ResetScreen,
  guide: GuideScreen,
};

function DemoBanner() {
  const hasDemo = useKeysStore((s) => s.keys.some((k) => k.isDemo));
  if (!hasDemo) return null;
  return (
    <p className="demo-banner" data-testid="demo-banner">
      <span className="badge badge-demo">Demo</span> The {DEMO_KEY_LABEL} is plugged in. Practise freely: nothing here touches a real key.
    </p>
  );
}

export function App() {
  const screen = useNavStore((s) => s.screen);
  const View = SCREEN_VIEWS[screen];
  return (
    <div className="layout">
      <a className="skip-link" href="#main">
        Skip to main content
      </a>
      <Sidebar />
      <main id="main" className="main" tabIndex={-1}>
        <DemoBanner />
        <DemoTouchControls />
        <View />
      </main>
      <LiveRegion />
    </div>
  );
}
