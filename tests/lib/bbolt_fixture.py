#!/usr/bin/env python3
"""Write a bbolt fixture for tests/unit/test_bbolt.c with images/synth/bbolt.py
and, beside it, the listing the reader must give back (computed here from
the dict, not by dof): one line per element, depth first in key order:
  <bucket path hex>\t<key hex>\tB
  <bucket path hex>\t<key hex>\tV\t<len>\t<sha256 hex>
Usage: bbolt_fixture.py SRCDIR OUT.db OUT.txt
"""
import hashlib
import json
import os
import struct
import sys

sys.path.insert(0, os.path.join(sys.argv[1], "images", "synth"))
import bbolt  # noqa: E402


def b(x):
    return x if isinstance(x, bytes) else x.encode()


def listing(d, path, out):
    for k in sorted(d, key=b):
        v = d[k]
        kh = b(k).hex()
        if isinstance(v, dict):
            out.append("%s\t%s\tB" % (path, kh))
            listing(v, (path + "/" if path else "") + kh, out)
        else:
            v = b(v)
            out.append("%s\t%s\tV\t%d\t%s" % (path, kh, len(v),
                                              hashlib.sha256(v).hexdigest()))


big = {"key%04d" % i: "val%d," % i * (1 + i % 9) for i in range(600)}
big["overflow"] = bytes(range(256)) * 40  # 10240 bytes: 3 pages
def kv(obj, idx=7):
    """libkv boltdb value: u64 LE index, then the JSON."""
    return struct.pack("<Q", idx) + json.dumps(obj).encode()


NET = "docker/network/v1.0/"
BR = "b" * 64
MY = "c" * 64
EP = "e" * 64
ipam_info = json.dumps([{"PoolID": "x", "IPAMData": json.dumps(
    {"AddressSpace": "LocalDefault", "Gateway": "172.17.0.1/16",
     "Pool": "172.17.0.0/16"})}])
libnetwork = {
    NET + "network/" + BR + "/": kv({
        "id": BR, "name": "bridge", "networkType": "bridge",
        "scope": "local", "internal": False, "enableIPv6": False,
        "created": "2024-01-02T03:04:05.123456789Z",
        "ipamV4Config": json.dumps([{"PreferredPool": "", "SubPool": "",
                                     "Gateway": "", "AuxAddresses": None}]),
        "ipamV4Info": ipam_info}),
    # a value stored without the index prefix
    NET + "network/" + MY + "/": json.dumps({
        "id": MY, "name": "mynet", "networkType": "bridge",
        "scope": "local", "internal": True, "enableIPv6": False,
        "created": "2024-02-03T04:05:06Z", "labels": {"env": "prod"},
        "ipamV4Config": json.dumps([{"PreferredPool": "10.5.0.0/24",
                                     "SubPool": "", "Gateway": "10.5.0.1",
                                     "AuxAddresses": None}])}),
    NET + "network/" + "d" * 64 + "/": b"\x01\x02not json",
    NET + "endpoint_count/" + MY + "/": struct.pack("<Q", 3) + b"1",
    NET + "endpoint/" + MY + "/" + EP + "/": kv({
        "name": "web", "id": EP,
        "ep_iface": {"mac": "02:42:0a:05:00:02", "addr": "10.5.0.2/24"},
        "joinInfo": {"gw": "10.5.0.1"}}),
}

buckets = {
    "libnetwork": libnetwork,
    "inline": {"a": "1", "b": "", "c": b"\x00\xff"},
    "big": big,
    "nested": {"k": "v", "sub": {"x": "y", "deeper": {"z": "0"}}},
    "volumes": {"v1": '{"Name":"v1","Driver":"local"}'},
}
bbolt.write_db(sys.argv[2], buckets)
out = []
listing(buckets, "", out)
with open(sys.argv[3], "w") as f:
    f.write("# python fixture\n" + "\n".join(out) + "\n")
