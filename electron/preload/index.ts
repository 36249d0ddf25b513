/**
 * The preload: exposes `window.skm` (SkmApi, electron/ipc-contract.ts) through contextBridge with
 * one named function per contract method. ipcRenderer itself is never exposed, and nothing but
 * the contract's channels can be reached. Bundled as CommonJS: sandboxed preloads cannot load ESM.
 */
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import type { SkmApi, SkmArgs, SkmMethod, SkmValue } from '../ipc-contract.js';
import type { KeyEvent, Result } from '../../src/usecases/types.js';
import { SKM_EVENT_CHANNEL, channelOf } from '../ipc-channels.js';

function invoke<M extends SkmMethod>(method: M, ...args: SkmArgs<M>): Promise<Result<SkmValue<M>>> {
  return ipcRenderer.invoke(channelOf(method), ...args) as Promise<Result<SkmValue<M>>>;
}

const api = {
  getAppState: () => invoke('getAppState'),
  listKeys: () => invoke('listKeys'),
  getKeyInfo: (keyId) => invoke('getKeyInfo', keyId),
  getSupportReport: (keyId) => invoke('getSupportReport', keyId),
  setPin: (keyId, newPin, confirmPin) => invoke('setPin', keyId, newPin, confirmPin),
  changePin: (keyId, currentPin, newPin, confirmPin) => invoke('changePin', keyId, currentPin, newPin, confirmPin),
  touchTest: (keyId) => invoke('touchTest', keyId),
  wink: (keyId) => invoke('wink', keyId),
  pickByTouch: (keyIds) => invoke('pickByTouch', keyIds),
  cancel: (keyId) => invoke('cancel', keyId),
  listPasskeys: (keyId, pin) => invoke('listPasskeys', keyId, pin),
  deletePasskey: (session, credentialId) => invoke('deletePasskey', session, credentialId),
  closePasskeys: (session) => invoke('closePasskeys', session),
  updateSettings: (keyId, pin, change) => invoke('updateSettings', keyId, pin, change),
  previewReset: (keyId, pin) => invoke('previewReset', keyId, pin),
  prepareReset: (keyId) => invoke('prepareReset', keyId),
  startReset: (keyId, ack) => invoke('startReset', keyId, ack),
  cancelReset: () => invoke('cancelReset'),
  getResetStatus: () => invoke('getResetStatus'),
  runDoctor: () => invoke('runDoctor'),
  getOrgProfile: () => invoke('getOrgProfile'),
  openExternal: (url) => invoke('openExternal', url),
  setDemoMode: (enabled) => invoke('setDemoMode', enabled),
  demoTouch: () => invoke('demoTouch'),
  demoRefuse: () => invoke('demoRefuse'),
  demoUnplug: () => invoke('demoUnplug'),
  demoPlug: () => invoke('demoPlug'),
  onEvent(listener: (event: KeyEvent) => void): () => void {
    if (typeof listener !== 'function') return () => undefined;
    // Pass the event only: the IpcRendererEvent (with its sender) never reaches the page.
    const wrapped = (_event: IpcRendererEvent, keyEvent: KeyEvent) => listener(keyEvent);
    ipcRenderer.on(SKM_EVENT_CHANNEL, wrapped);
    return () => {
      ipcRenderer.removeListener(SKM_EVENT_CHANNEL, wrapped);
    };
  },
} satisfies SkmApi;

contextBridge.exposeInMainWorld('skm', api);
