#!/usr/bin/python3
"""python-fido2 side of the benchmark: getInfo and changePIN over HID-over-UDP.

Talks to the software key served by `skm simulator` through a small CtapHidConnection that sends
each 64-byte CTAPHID report as one UDP datagram (the same wire format our engine's UDP transport
uses). Reads the two benchmark PINs from standard input (one per line) so they never appear in a
process listing, then runs timed blocks on request so the benchmark can interleave them with
its own; each block answers one JSON line of latencies (ms) and the CPU time it used.

Usage: python_peer.py --device HOST:PORT --listen HOST:PORT   (then commands on stdin, see main)
Requires python-fido2 0.9 (Debian's python3-fido2).
"""
import argparse
import json
import socket
import sys
import time

from fido2.hid import CtapHidDevice
from fido2.hid.base import CtapHidConnection, HidDescriptor
from fido2.ctap2 import Ctap2, ClientPin

REPORT_SIZE = 64


def parse_address(text):
    host, _, port = text.rpartition(":")
    return host.strip("[]"), int(port)


class UdpCtapHidConnection(CtapHidConnection):
    """One CTAPHID report per datagram; reads time out after `timeout` seconds."""

    def __init__(self, device, listen, timeout=5.0):
        self.device = device
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(listen)
        self.sock.settimeout(timeout)

    def write_packet(self, data):
        self.sock.sendto(bytes(data).ljust(REPORT_SIZE, b"\0")[:REPORT_SIZE], self.device)

    def read_packet(self):
        while True:
            data, addr = self.sock.recvfrom(2048)
            if addr[1] == self.device[1]:
                return data

    def close(self):
        self.sock.close()


def timed(fn, n):
    """Latencies (ms) of n calls, and the process CPU time (ms) they took."""
    out = []
    cpu0 = time.process_time()
    for _ in range(n):
        t = time.perf_counter()
        fn()
        out.append((time.perf_counter() - t) * 1000)
    return out, (time.process_time() - cpu0) * 1000


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--device", required=True)
    ap.add_argument("--listen", required=True)
    args = ap.parse_args()
    # The two benchmark PINs come first, one per line; then commands, one per line:
    #   getinfo N | changepin N | quit   -> one JSON line each: {"ms": [...], "cpuMs": total}
    pins = [sys.stdin.readline().rstrip("\n") for _ in range(2)]

    conn = UdpCtapHidConnection(parse_address(args.device), parse_address(args.listen))
    descriptor = HidDescriptor("udp:" + args.device, 0, 0, REPORT_SIZE, REPORT_SIZE)
    device = CtapHidDevice(descriptor, conn)
    ctap2 = Ctap2(device)  # sends one getInfo itself
    if not ctap2.info.options.get("clientPin"):
        ClientPin(ctap2).set_pin(pins[0])
        ctap2 = Ctap2(device)
    client_pin = ClientPin(ctap2)
    state = {"current": pins[0], "other": pins[1]}

    def change_pin():
        # Alternate between the two PINs so the key ends where it started after an even count.
        client_pin.change_pin(state["current"], state["other"])
        state["current"], state["other"] = state["other"], state["current"]

    print(json.dumps({"ready": True, "protocol": client_pin.protocol.VERSION}), flush=True)
    for line in sys.stdin:
        cmd = line.split()
        if not cmd or cmd[0] == "quit":
            break
        n = int(cmd[1])
        if cmd[0] == "getinfo":
            ms, cpu = timed(ctap2.get_info, n)
        elif cmd[0] == "changepin":
            ms, cpu = timed(change_pin, n)
        else:
            raise SystemExit("unknown command " + cmd[0])
        print(json.dumps({"ms": ms, "cpuMs": cpu}), flush=True)
    if state["current"] != pins[0]:
        change_pin()
    device.close()


if __name__ == "__main__":
    main()
