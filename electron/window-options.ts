/**
 * The main window's options (Electron security checklist: context isolation, sandbox, no Node in
 * the page, web security on, no insecure content, no <webview>). Pure: returns a plain object.
 */
import type { BrowserWindowConstructorOptions } from 'electron';

export interface WindowOptionsInput {
  /** Absolute path of the bundled (CommonJS) preload script. */
  preloadPath: string;
  /** Developer tools: development builds only. */
  devTools: boolean;
}

/** BrowserWindow options; the window stays hidden until 'ready-to-show' to avoid a blank flash. */
export function createWindowOptions(input: WindowOptionsInput): BrowserWindowConstructorOptions {
  return {
    title: 'Security Key Manager',
    width: 1040,
    height: 760,
    minWidth: 640,
    minHeight: 520,
    show: false,
    backgroundColor: '#ffffff',
    autoHideMenuBar: true,
    webPreferences: {
      preload: input.preloadPath,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      experimentalFeatures: false,
      navigateOnDragDrop: false,
      safeDialogs: true,
      spellcheck: false,
      devTools: input.devTools,
    },
  };
}
