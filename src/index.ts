/**
 * Public engine API: transports, CTAPHID device, CTAP2 command families, PIN rules and
 * protocols, CBOR and typed errors. Use cases, the CLI and the app import from here.
 */
export * from './errors.js';
export { CtapStatus, ctapStatusName, type CtapStatusName } from './ctap2/status.js';
export { encodeCbor, decodeCbor, expectMap, compareKeys, type CborValue, type CborMap } from './cbor.js';

export * from './ctaphid/framing.js';
export { CtapHidDevice, type CallOptions, type KeepaliveState, type CtapHidDeviceOptions } from './ctaphid/device.js';

export { Ctap2, U2F_ONLY_MESSAGE } from './ctap2/ctap2.js';
export { Ctap2Command, ctap2CommandName, encodeRequest, decodeResponse, sendCbor } from './ctap2/command.js';
export {
  type AuthenticatorInfo,
  type PublicKeyCredentialParameters,
  parseGetInfo,
  getInfo,
  hasOption,
  supportsCtap2,
  supportsCtap21,
  pinState,
  credentialManagementCommand,
  formatAaguid,
} from './ctap2/get-info.js';
export { ClientPin, ClientPinSubCommand, Permission, PinUvAuthToken } from './ctap2/client-pin.js';
export { reset, RESET_TIMEOUT_MS } from './ctap2/reset.js';
export { selection, touchRequest } from './ctap2/selection.js';
export {
  CredentialManagement,
  CredMgmtSubCommand,
  type CredsMetadata,
  type RpEntry,
  type CredentialEntry,
} from './ctap2/credential-management.js';
export { AuthenticatorConfig, ConfigSubCommand, type SetMinPinLengthParams } from './ctap2/config.js';
export {
  makeCredential,
  encodeMakeCredential,
  parseMakeCredentialResponse,
  type MakeCredentialParams,
  type MakeCredentialResponse,
  type RelyingParty,
  type UserEntity,
  type CredentialDescriptor,
} from './ctap2/make-credential.js';
export {
  getAssertion,
  encodeGetAssertion,
  parseGetAssertionResponse,
  type GetAssertionParams,
  type GetAssertionResponse,
} from './ctap2/get-assertion.js';

export { preparePin, padPin, codePointLength, encodeCurrentPin, PIN_MAX_BYTES, PIN_MIN_CODE_POINTS, PADDED_PIN_BYTES } from './pin/rules.js';
export {
  EcdhKeyPair,
  PinUvAuthProtocolOne,
  PinUvAuthProtocolTwo,
  pinUvAuthProtocol,
  zeroize,
  type PinUvAuthProtocol,
  type Encapsulation,
} from './pin/protocol.js';
export { toCoseKeyAgreement, fromCoseKeyAgreement, type EcPublicKey } from './pin/cose-key.js';

export type { HidConnection, HidDeviceDescriptor, DeviceProvider, TransportKind } from './transport/connection.js';
export type { VirtualHidDevice } from './transport/virtual-device.js';
export { InMemoryConnection, InMemoryProvider, type InMemoryKey } from './transport/in-memory.js';
export { NodeHidProvider, NodeHidConnection, classifyNodeHidError, FIDO_USAGE_PAGE, FIDO_USAGE } from './transport/node-hid.js';
export { UDEV_RULE_FILE, DEFAULT_UDEV_RULE_PATH, udevRuleInstallCommand } from './transport/udev-rule.js';
export {
  UdpProvider,
  UdpConnection,
  openUdpConnection,
  udpPath,
  parseUdpPath,
  DEFAULT_UDP_DEVICE,
  DEFAULT_UDP_LISTEN,
  type UdpAddress,
  type UdpOptions,
  type UdpProviderOptions,
} from './transport/udp.js';
