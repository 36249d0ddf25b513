#!/usr/bin/python3
"""Referee for the software authenticator: Yubico's python-fido2 (0.9) drives the key over
HID-over-UDP (one 64-byte CTAPHID report per datagram) and prints what it observed as JSON.

Usage: referee.py --device-port P --host-port Q SCENARIO

Control requests (power cycle, clock, presence policy) go to the test as one JSON line on
stdout, {"control": "..."}; the test answers "ok" on stdin. The last stdout line is the result:
{"result": {...}} or {"error": "..."}.
"""
import argparse
import hashlib
import json
import socket
import sys
import traceback

from fido2.attestation import Attestation
from fido2.ctap import CtapError
from fido2.ctap2 import ClientPin, Config, CredentialManagement, Ctap2, PinProtocolV1, PinProtocolV2
from fido2.ctap1 import ApduError, Ctap1
from fido2.hid import CAPABILITY, CtapHidDevice
from fido2.hid.base import CtapHidConnection, HidDescriptor

RP = {"id": "example.org", "name": "Example"}
PIN = "1234"


class UdpCtapHidConnection(CtapHidConnection):
    """python-fido2's transport seam, over UDP: read_packet / write_packet / close."""

    def __init__(self, device_port, host_port):
        self.device = ("127.0.0.1", device_port)
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.bind(("127.0.0.1", host_port))
        self.sock.settimeout(5.0)

    def read_packet(self):
        data, _ = self.sock.recvfrom(1024)
        return data

    def write_packet(self, data):
        self.sock.sendto(bytes(data), self.device)

    def drain(self):
        self.sock.settimeout(0.05)
        try:
            while True:
                self.sock.recvfrom(1024)
        except socket.timeout:
            pass
        finally:
            self.sock.settimeout(5.0)

    def close(self):
        self.sock.close()


class Referee:
    def __init__(self, device_port, host_port):
        self.conn = UdpCtapHidConnection(device_port, host_port)
        self.open()

    def open(self):
        self.conn.drain()
        descriptor = HidDescriptor("udp:127.0.0.1", 0x1209, 0x5C21, 64, 64)
        self.dev = CtapHidDevice(descriptor, self.conn)
        self.ctap = Ctap2(self.dev) if self.dev.capabilities & CAPABILITY.CBOR else None

    def control(self, request):
        print(json.dumps({"control": request}), flush=True)
        answer = sys.stdin.readline().strip()
        if answer != "ok":
            raise RuntimeError("control %r answered %r" % (request, answer))

    def power_cycle(self):
        self.control("power-cycle")
        self.open()  # channels do not survive power loss: INIT again

    def client_pin(self, version=None):
        self.ctap._info = self.ctap.get_info()
        protocol = {1: PinProtocolV1, 2: PinProtocolV2}[version]() if version else None
        return ClientPin(self.ctap, protocol)


def ga_token(cp, pin):
    """A token with the ga permission for RP (CTAP 2.1 requires permissions on 0x09)."""
    return cp.get_pin_token(pin, ClientPin.PERMISSION.GET_ASSERTION, RP["id"])


def code(fn):
    """Run fn; return 'OK' or the CTAP error name."""
    try:
        fn()
        return "OK"
    except CtapError as e:
        return e.code.name if hasattr(e.code, "name") else "0x%02x" % e.code


def info_dict(info):
    return {
        "versions": info.versions,
        "aaguid": info.aaguid.hex(),
        "options": info.options,
        "max_msg_size": info.max_msg_size,
        "pin_uv_protocols": info.pin_uv_protocols,
        "min_pin_length": info.min_pin_length,
        "force_pin_change": info.force_pin_change,
        "firmware_version": info.firmware_version,
        "remaining_disc_creds": info.remaining_disc_creds,
        "transports": info.transports,
        "algorithms": info.algorithms,
    }


def scenario_get_info(r):
    return {"info": info_dict(r.ctap.get_info()), "capabilities": r.dev.capabilities, "ping": r.dev.ping(b"referee").decode()}


def scenario_set_pin(r):
    before = r.ctap.get_info().options.get("clientPin")
    cp = r.client_pin()
    cp.set_pin(PIN)
    after = r.ctap.get_info().options.get("clientPin")
    token = cp.get_pin_token(PIN, ClientPin.PERMISSION.GET_ASSERTION, RP["id"])
    again = code(lambda: cp.set_pin("5678"))
    return {"before": before, "after": after, "retries": cp.get_pin_retries()[0], "token_len": len(token), "set_again": again}


def scenario_change_pin(r, version):
    cp = r.client_pin(version)
    cp.set_pin(PIN)
    cp.change_pin(PIN, "98765")
    return {
        "protocol": cp.protocol.VERSION,
        "old_pin": code(lambda: cp.get_pin_token(PIN, ClientPin.PERMISSION.GET_ASSERTION, RP["id"])),
        "new_pin": code(lambda: cp.get_pin_token("98765", ClientPin.PERMISSION.GET_ASSERTION, RP["id"])),
        "wrong_current": code(lambda: cp.change_pin("0000", "11111")),
        "retries": cp.get_pin_retries()[0],
    }


def scenario_wrong_pin(r):
    cp = r.client_pin()
    cp.set_pin(PIN)
    wrong = code(lambda: ga_token(cp, "9999"))
    after_wrong = cp.get_pin_retries()[0]
    right = code(lambda: ga_token(cp, PIN))
    return {"wrong": wrong, "after_wrong": after_wrong, "right": right, "after_right": cp.get_pin_retries()[0]}


def scenario_auth_blocked(r):
    cp = r.client_pin()
    cp.set_pin(PIN)
    attempts = [code(lambda: ga_token(cp, "0000")) for _ in range(3)]
    blocked_right = code(lambda: ga_token(cp, PIN))
    retries_blocked = list(cp.get_pin_retries())
    r.power_cycle()
    cp = r.client_pin()
    retries_after = list(cp.get_pin_retries())
    recovered = code(lambda: ga_token(cp, PIN))
    return {
        "attempts": attempts,
        "blocked_right": blocked_right,
        "retries_blocked": retries_blocked,
        "retries_after_power_cycle": retries_after,
        "recovered": recovered,
        "retries_recovered": cp.get_pin_retries()[0],
    }


def scenario_pin_blocked(r):
    cp = r.client_pin()
    cp.set_pin(PIN)
    codes = []
    while len(codes) < 12:
        c = code(lambda: ga_token(cp, "0000"))
        codes.append(c)
        if c == "PIN_BLOCKED":
            break
        if c == "PIN_AUTH_BLOCKED":
            r.power_cycle()
            cp = r.client_pin()
    right = code(lambda: ga_token(cp, PIN))
    retries = cp.get_pin_retries()[0]
    r.power_cycle()
    reset = code(lambda: r.ctap.reset())
    return {"codes": codes, "right": right, "retries": retries, "reset": reset, "client_pin_after_reset": r.ctap.get_info().options.get("clientPin")}


def scenario_force_pin_change(r):
    cp = r.client_pin()
    cp.set_pin(PIN)
    token = cp.get_pin_token(PIN, ClientPin.PERMISSION.AUTHENTICATOR_CFG)
    Config(r.ctap, cp.protocol, token).set_min_pin_length(min_pin_length=6, force_change_pin=True)
    info = r.ctap.get_info()
    return {
        "force_pin_change": info.force_pin_change,
        "min_pin_length": info.min_pin_length,
        "token": code(lambda: cp.get_pin_token(PIN, ClientPin.PERMISSION.GET_ASSERTION, RP["id"])),
        "same_pin": code(lambda: cp.change_pin(PIN, PIN)),
        "too_short": code(lambda: cp.change_pin(PIN, "12345")),
        "changed": code(lambda: cp.change_pin(PIN, "246810")),
        "token_after": code(lambda: cp.get_pin_token("246810", ClientPin.PERMISSION.GET_ASSERTION, RP["id"])),
        "force_after": r.ctap.get_info().force_pin_change,
    }


def scenario_reset(r):
    cp = r.client_pin()
    cp.set_pin(PIN)
    r.power_cycle()
    inside = code(lambda: r.ctap.reset())
    pin_after = r.ctap.get_info().options.get("clientPin")
    r.client_pin().set_pin(PIN)
    r.control("advance 11000")
    outside = code(lambda: r.ctap.reset())
    r.control("presence deny")
    r.power_cycle()
    denied = code(lambda: r.ctap.reset())
    return {"inside": inside, "client_pin_after": pin_after, "outside": outside, "denied": denied, "client_pin_kept": r.ctap.get_info().options.get("clientPin")}


def scenario_credentials(r):
    cp = r.client_pin()
    cp.set_pin(PIN)
    made = []
    for name in ("alice", "bob"):
        cdh = hashlib.sha256(("make " + name).encode()).digest()
        token = cp.get_pin_token(PIN, ClientPin.PERMISSION.MAKE_CREDENTIAL, RP["id"])
        att = r.ctap.make_credential(
            cdh,
            RP,
            {"id": name.encode(), "name": name + "@example.org", "displayName": name.title()},
            [{"type": "public-key", "alg": -7}],
            options={"rk": True},
            pin_uv_param=cp.protocol.authenticate(token, cdh),
            pin_uv_protocol=cp.protocol.VERSION,
        )
        Attestation.for_type(att.fmt)().verify(att.att_statement, att.auth_data, cdh)
        made.append(att.auth_data.credential_data)
    no_token = code(
        lambda: r.ctap.make_credential(
            b"\1" * 32, RP, {"id": b"carol", "name": "carol"}, [{"type": "public-key", "alg": -7}], options={"rk": True}
        )
    )

    cdh = hashlib.sha256(b"assert").digest()
    token = cp.get_pin_token(PIN, ClientPin.PERMISSION.GET_ASSERTION, RP["id"])
    assertions = r.ctap.get_assertions(
        RP["id"], cdh, pin_uv_param=cp.protocol.authenticate(token, cdh), pin_uv_protocol=cp.protocol.VERSION
    )
    by_id = {c.credential_id: c for c in made}
    verified = []
    for a in assertions:
        cred = by_id[a.credential["id"]]
        a.verify(cdh, cred.public_key)
        verified.append(a.user.get("name"))

    token = cp.get_pin_token(PIN, ClientPin.PERMISSION.CREDENTIAL_MGMT)
    cm = CredentialManagement(r.ctap, cp.protocol, token)
    meta = cm.get_metadata()
    rps = cm.enumerate_rps()
    rp_hash = hashlib.sha256(RP["id"].encode()).digest()
    creds = cm.enumerate_creds(rp_hash)
    names = sorted(c[CredentialManagement.RESULT.USER]["name"] for c in creds)
    for c in creds:
        cm.delete_cred(c[CredentialManagement.RESULT.CREDENTIAL_ID])
    meta_after = cm.get_metadata()
    # CTAP 2.1 §6.8.3: enumerateRPsBegin with nothing stored is NO_CREDENTIALS.
    empty = code(lambda: cm.enumerate_rps())
    return {
        "no_token": no_token,
        "verified": sorted(verified),
        "flags": assertions[0].auth_data.flags,
        "meta": [meta[1], meta[2]],
        "rps": [rp[CredentialManagement.RESULT.RP]["id"] for rp in rps],
        "rp_hash_ok": rps[0][CredentialManagement.RESULT.RP_ID_HASH] == rp_hash,
        "names": names,
        "meta_after": [meta_after[1], meta_after[2]],
        "rps_after": empty,
    }


def scenario_selection(r):
    seen = []
    r.control("presence approve-after 150")
    ok = code(lambda: r.ctap.selection(on_keepalive=lambda s: seen.append(int(s))))
    r.control("presence deny")
    denied = code(lambda: r.ctap.selection())
    return {"ok": ok, "keepalive": sorted(set(seen)), "denied": denied}


def scenario_u2f(r):
    u2f = Ctap1(r.dev)
    app = hashlib.sha256(b"https://example.org").digest()
    client = hashlib.sha256(b"client data").digest()
    reg = u2f.register(client, app)
    reg.verify(app, client)  # attestation signature over the self-signed certificate
    sig = u2f.authenticate(client, app, reg.key_handle)
    sig.verify(app, client, reg.public_key)
    try:
        u2f.authenticate(client, app, reg.key_handle, check_only=True)
        check_only = "OK"
    except ApduError as e:
        check_only = "0x%04x" % e.code
    try:
        u2f.authenticate(client, hashlib.sha256(b"other").digest(), reg.key_handle)
        other_app = "OK"
    except ApduError as e:
        other_app = "0x%04x" % e.code
    return {
        "version": u2f.get_version(),
        "cbor": bool(r.dev.capabilities & CAPABILITY.CBOR),
        "user_presence": sig.user_presence,
        "counter": sig.counter,
        "key_handle_len": len(reg.key_handle),
        "check_only": check_only,
        "other_app": other_app,
    }


SCENARIOS = {
    "get-info": scenario_get_info,
    "set-pin": scenario_set_pin,
    "change-pin-1": lambda r: scenario_change_pin(r, 1),
    "change-pin-2": lambda r: scenario_change_pin(r, 2),
    "wrong-pin": scenario_wrong_pin,
    "auth-blocked": scenario_auth_blocked,
    "pin-blocked": scenario_pin_blocked,
    "force-pin-change": scenario_force_pin_change,
    "reset": scenario_reset,
    "credentials": scenario_credentials,
    "selection": scenario_selection,
    "u2f": scenario_u2f,
}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--device-port", type=int, required=True)
    parser.add_argument("--host-port", type=int, required=True)
    parser.add_argument("scenario", choices=sorted(SCENARIOS))
    args = parser.parse_args()
    try:
        referee = Referee(args.device_port, args.host_port)
        result = SCENARIOS[args.scenario](referee)
        print(json.dumps({"result": result}), flush=True)
    except Exception as e:  # reported to the test, which fails with it
        print(json.dumps({"error": "%s: %s" % (type(e).__name__, e), "trace": traceback.format_exc()}), flush=True)
        sys.exit(1)


if __name__ == "__main__":
    main()
