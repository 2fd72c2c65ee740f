"""Writes a .cc defining candor::site::EmbeddedStaticFiles from files.

Usage: embed_static.py OUT.cc FILE...  (each FILE is stored by its base name)
"""
import os
import sys


def main():
    out, files = sys.argv[1], sys.argv[2:]
    lines = ['#include "verifier/site/embedded_static.h"', "",
             "namespace candor::site {", "namespace {", ""]
    entries = []
    for i, path in enumerate(sorted(files, key=os.path.basename)):
        with open(path, "rb") as f:
            data = f.read()
        # A string literal, every byte outside printable ASCII (and ", \\,
        # ?) as a three-digit octal escape, so nothing is read as a
        # trigraph or runs into the next character; split into lines.
        chunks, line = [], ""
        for b in data:
            c = chr(b)
            line += c if 32 <= b < 127 and c not in '"\\?' else "\\%03o" % b
            if b == 10 or len(line) > 100:
                chunks.append('"%s"' % line)
                line = ""
        chunks.append('"%s"' % line)
        lines.append("const char kFile%d[] =\n    %s;" % (i, "\n    ".join(chunks)))
        entries.append('    {"%s", kFile%d, %d},' % (os.path.basename(path), i, len(data)))
    lines += ["", "const EmbeddedFile kFiles[] = {"] + entries + ["};", "",
              "}  // namespace", "",
              "const EmbeddedFile* EmbeddedStaticFiles(size_t* count) {",
              "  *count = sizeof(kFiles) / sizeof(kFiles[0]);",
              "  return kFiles;", "}", "", "}  // namespace candor::site", ""]
    with open(out, "w") as f:
        f.write("\n".join(lines))


if __name__ == "__main__":
    main()
