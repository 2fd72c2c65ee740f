#!/usr/bin/env python3
"""An independent implementation of Candor's reference-table digests.

Recomputes table_sha256 of the "ip-countries" table from the npm dataset
@ip-location-db/geo-whois-asn-country, and of the "organisations" table from
an organisations file, following verifier/reference/README.md without any of
the C++ code, so the canonical form can be checked by a second
implementation:

  reference_digest.py ip-countries DATASET_DIR COUNTRIES_JSON
  reference_digest.py organisations ORGANISATIONS_JSON VERSION SOURCE
  reference_digest.py lookup DATASET_DIR COUNTRIES_JSON IP...

COUNTRIES_JSON is Debian's iso-codes /usr/share/iso-codes/json/iso_3166-1.json,
the assigned ISO 3166-1 codes the table keeps (what verifier/geo reads).
Standard library only.
"""

import hashlib
import ipaddress
import json
import os
import sys

IPV4_ROWS_PER_PART = 600
IPV6_ROWS_PER_PART = 350
ORGANISATIONS_PER_PART = 100
ORGANISATIONS_PART_BYTES = 16000
HEADER = "candor-reference-part/v1"


def mth(leaves):
    """RFC 6962 Merkle tree hash of a list of leaf byte strings."""
    if not leaves:
        return hashlib.sha256(b"").digest()
    if len(leaves) == 1:
        return hashlib.sha256(b"\x00" + leaves[0]).digest()
    k = 1
    while k * 2 < len(leaves):
        k *= 2
    return hashlib.sha256(b"\x01" + mth(leaves[:k]) + mth(leaves[k:])).digest()


def header(table, version, source):
    return "%s\ntable %s\nversion %s\nsource %s\n" % (HEADER, table, version, source)


def resolve(raw, maximum, assigned):
    """Narrowest containing range wins (later line on a tie); unassigned
    codes dropped; adjacent equal countries merged."""
    # Elementary intervals between all boundaries.
    points = sorted({r[0] for r in raw} | {r[1] + 1 for r in raw if r[1] < maximum})
    out = []
    starts = sorted(range(len(raw)), key=lambda i: raw[i][0])
    active = []
    j = 0
    for idx, p in enumerate(points):
        end = points[idx + 1] - 1 if idx + 1 < len(points) else maximum
        while j < len(starts) and raw[starts[j]][0] <= p:
            active.append(starts[j])
            j += 1
        active = [a for a in active if raw[a][1] >= p]
        if not active:
            continue
        best = min(active, key=lambda a: (raw[a][1] - raw[a][0], -a))
        cc = raw[best][2]
        if cc not in assigned:
            continue
        if out and out[-1][2] == cc and out[-1][1] + 1 == p:
            out[-1][1] = end
        else:
            out.append([p, end, cc])
    return out


def load_ranges(dataset_dir, countries_json):
    assigned = {c["alpha_2"] for c in json.load(open(countries_json))["3166-1"]}
    tables = []
    for name, maximum in (("geo-whois-asn-country-ipv4.csv", 2**32 - 1),
                          ("geo-whois-asn-country-ipv6.csv", 2**128 - 1)):
        raw = []
        for line in open(os.path.join(dataset_dir, name)):
            first, last, cc = line.rstrip("\n").split(",")
            raw.append((int(ipaddress.ip_address(first)),
                        int(ipaddress.ip_address(last)), cc))
        tables.append(resolve(raw, maximum, assigned))
    return tables


def ip_countries_digest(dataset_dir, countries_json):
    version = json.load(open(os.path.join(dataset_dir, "package.json")))["version"]
    source = "npm @ip-location-db/geo-whois-asn-country@" + version
    v4, v6 = load_ranges(dataset_dir, countries_json)
    leaves = []
    for family, rows, per_part, width, maximum in (
            ("4", v4, IPV4_ROWS_PER_PART, 8, 2**32 - 1),
            ("6", v6, IPV6_ROWS_PER_PART, 32, 2**128 - 1)):
        for start in range(0, len(rows), per_part):
            chunk = rows[start:start + per_part]
            first = 0 if start == 0 else chunk[0][0]
            end = start + per_part
            last = rows[end][0] - 1 if end < len(rows) else maximum
            text = header("ip-countries", version, source)
            text += "coverage %s %0*x %0*x\n" % (family, width, first, width, last)
            for a, b, cc in chunk:
                text += "%s %0*x %0*x %s\n" % (family, width, a, width, b, cc)
            leaves.append(text.encode())
    return mth(leaves).hex(), len(v4), len(v6), len(leaves)


def organisations_digest(path, version, source):
    orgs = json.load(open(path))["organisations"]
    orgs.sort(key=lambda o: o["name"].encode())
    leaves, rows, size = [], [], 0
    for o in orgs:
        row = "%s\t%s\t%s\t%s\t%s\n" % (o["name"], o["country"], o["kind"],
                                        o.get("parent", ""),
                                        ",".join(sorted(o["domains"])))
        n = len(row.encode())
        if rows and (len(rows) >= ORGANISATIONS_PER_PART or
                     size + n > ORGANISATIONS_PART_BYTES):
            leaves.append((header("organisations", version, source) + "".join(rows)).encode())
            rows, size = [], 0
        rows.append(row)
        size += n
    leaves.append((header("organisations", version, source) + "".join(rows)).encode())
    return mth(leaves).hex(), len(orgs), len(leaves)


def main(argv):
    if len(argv) == 4 and argv[1] == "ip-countries":
        print("%s ipv4_ranges=%d ipv6_ranges=%d parts=%d" %
              ip_countries_digest(argv[2], argv[3]))
    elif len(argv) == 5 and argv[1] == "organisations":
        print("%s organisations=%d parts=%d" % organisations_digest(*argv[2:5]))
    elif len(argv) >= 5 and argv[1] == "lookup":
        v4, v6 = load_ranges(argv[2], argv[3])
        for text in argv[4:]:
            ip = ipaddress.ip_address(text)
            rows = v4 if ip.version == 4 else v6
            found = [cc for a, b, cc in rows if a <= int(ip) <= b]
            print(text, found[0] if found else "-")
    else:
        sys.stderr.write(__doc__)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
