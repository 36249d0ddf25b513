#!/usr/bin/python3
"""python-fido2 side of the benchmark: getInfo and changePIN over HID-over-UDP.

Talks to the software key served by `skm simulator` through a small CtapHidConnection that sends
each 64-byte CTAPHID report as one UDP datagram (the same wire format our engine's UDP transport
uses). Reads the two benchmark PINs from standard input (one per line) so they never appear in a
process listing, and prints the per-operation latencies in milliseconds as one JSON object.

Usage: python_peer.py --device HOST:PORT --listen HOST:PORT --getinfo N --changepin M
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


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--device", required=True)
    ap.add_argument("--listen", required=True)
    ap.add_argument("--getinfo", type=int, default=200)
    ap.add_argument("--changepin", type=int, default=20)
    ap.add_argument("--warmup", type=int, default=10)
    args = ap.parse_args()
    pins = [sys.stdin.readline().rstrip("\n") for _ in range(2)]

    conn = UdpCtapHidConnection(parse_address(args.device), parse_address(args.listen))
    descriptor = HidDescriptor("udp:" + args.device, 0, 0, REPORT_SIZE, REPORT_SIZE)
    device = CtapHidDevice(descriptor, conn)
    ctap2 = Ctap2(device)  # sends one getInfo itself
    client_pin = ClientPin(ctap2)

    for _ in range(args.warmup):
        ctap2.get_info()
    get_info = []
    for _ in range(args.getinfo):
        t = time.perf_counter()
        ctap2.get_info()
        get_info.append((time.perf_counter() - t) * 1000)

    # Alternate between the two PINs so the key ends where it started.
    change_pin = []
    current, other = pins[0], pins[1]
    for _ in range(args.changepin):
        t = time.perf_counter()
        client_pin.change_pin(current, other)
        change_pin.append((time.perf_counter() - t) * 1000)
        current, other = other, current
    if current != pins[0]:
        client_pin.change_pin(current, other)

    device.close()
    json.dump({"getInfo": get_info, "changePin": change_pin, "protocol": client_pin.protocol.VERSION}, sys.stdout)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
