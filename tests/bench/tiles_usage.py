#!/usr/bin/env python3
"""Bytes of a tlog-tiles directory against the entries it publishes.

Usage: tiles_usage.py DIR > usage.json

The entries' own bytes come from the newest version of each entry bundle
(uint16 length prefixes, C2SP tlog-tiles), so the figure needs nothing but
the directory.
"""
import json
import os
import sys


def newest_bundles(entries_dir):
    """Paths of the full bundles and of the newest version of each partial."""
    out = []
    for root, dirs, files in os.walk(entries_dir):
        if root.endswith(".p"):
            widths = [int(f) for f in files if f.isdigit()]
            full = root[:-2]
            if widths and not os.path.exists(full):
                out.append(os.path.join(root, str(max(widths))))
            continue
        for f in files:
            out.append(os.path.join(root, f))
    return out


def entries_in(path):
    data = open(path, "rb").read()
    count, size, i = 0, 0, 0
    while i + 2 <= len(data):
        n = int.from_bytes(data[i:i + 2], "big")
        i += 2 + n
        count += 1
        size += n
    return count, size


def main():
    root = sys.argv[1]
    files_bytes = 0
    for r, _, files in os.walk(root):
        for f in files:
            files_bytes += os.path.getsize(os.path.join(r, f))
    entries = entry_bytes = 0
    for path in newest_bundles(os.path.join(root, "tile", "entries")):
        c, s = entries_in(path)
        entries += c
        entry_bytes += s
    json.dump({"files_bytes": files_bytes, "entries": entries, "entry_bytes": entry_bytes,
               "ratio": files_bytes / entry_bytes if entry_bytes else None}, sys.stdout)


if __name__ == "__main__":
    main()
