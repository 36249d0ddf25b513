/**
 * What the benchmark needs from the TypeScript sources, bundled by run.mjs at start-up:
 * the engine (UDP transport, CTAPHID device, getInfo, ClientPin), the software authenticator and
 * the key service (for the reset-timing measurement).
 */
export {
  ClientPin,
  Ctap2,
  CtapHidDevice,
  InMemoryProvider,
  TimeoutError,
  getInfo,
  openUdpConnection,
} from '../../src/index.js';
export { SoftwareAuthenticator } from '../../src/authenticator/index.js';
export { createKeyService } from '../../src/usecases/key-service.js';
