#!/usr/bin/env python3
"""Writes ROWS delivered rows for entries of a corpus file into affirm's state database,
so a benchmark can run against a realistic history. Entry ids are computed as affirm does:
FNV-1a 64 over the text lowercased with white space folded.

Usage: make-history.py STATE_DB CORPUS_FILE ROWS
"""
import sqlite3
import sys


def entry_id(text):
    normalized = " ".join(text.lower().split())
    value = 0xCBF29CE484222325
    for byte in normalized.encode():
        value ^= byte
        value = (value * 0x100000001B3) & 0xFFFFFFFFFFFFFFFF
    return f"{value:016x}"


def main():
    path, corpus, rows = sys.argv[1], sys.argv[2], int(sys.argv[3])
    entries = []
    with open(corpus, encoding="utf-8") as file:
        for line in file:
            line = line.strip()
            if line and not line.startswith("#") and not line.startswith("["):
                entries.append(line)
    database = sqlite3.connect(path)
    database.executemany(
        "INSERT INTO delivery (at, source, slot, bag, entry, body, status) VALUES (?, 'send', NULL, '*', ?, ?, 'delivered')",
        ((1_700_000_000 + index * 60, entry_id(entries[index % len(entries)]), entries[index % len(entries)]) for index in range(rows)),
    )
    database.commit()


if __name__ == "__main__":
    main()
