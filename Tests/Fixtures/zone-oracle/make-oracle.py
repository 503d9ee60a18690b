#!/usr/bin/env python3
"""Writes resolve.tsv and windows.tsv beside this script: what local wall-clock times mean as
instants, by Python's zoneinfo (an implementation independent of affirm's TimeZoneRules),
with fold=0, which is RFC 5545's rule: a time in a gap is read with the offset from before
the transition (so it lands later by the gap's length), a repeated time is its first
occurrence.

The cases are every transition from 2000 through 2025 of the zones below (minute-exact), up
to eight per zone, each probed just before, at, inside and at the end of its gap or overlap;
plus local midnight and 02:30 of each transition date; plus late-night windows (23:00-02:00,
22:30-01:00, 00:00-03:00) that open on the date before, of and after each transition; a
date the zone skipped opens an empty window.

Run it again only when the zone list changes: `python3 Tests/Fixtures/zone-oracle/make-oracle.py`.
Past dates only, so a newer tzdata on the test machine does not change the answers.
"""
import os
from datetime import datetime, timedelta, timezone, date
from zoneinfo import ZoneInfo

ZONES = [
    "UTC", "Europe/Berlin", "Europe/London", "Europe/Dublin", "Europe/Lisbon", "Europe/Moscow",
    "Europe/Istanbul", "America/New_York", "America/Chicago", "America/Denver", "America/Los_Angeles",
    "America/Phoenix", "America/Halifax", "America/St_Johns", "America/Havana", "America/Santiago",
    "America/Sao_Paulo", "America/Asuncion", "America/Mexico_City", "America/Caracas", "America/Nuuk",
    "Atlantic/Azores", "Asia/Tehran", "Asia/Jerusalem", "Asia/Beirut", "Asia/Amman", "Asia/Damascus",
    "Asia/Gaza", "Asia/Kathmandu", "Asia/Pyongyang", "Australia/Sydney", "Australia/Lord_Howe",
    "Australia/Adelaide", "Pacific/Auckland", "Pacific/Chatham", "Pacific/Apia", "Africa/Casablanca",
    "Africa/Cairo", "Antarctica/Troll",
]
START = datetime(2000, 1, 1, tzinfo=timezone.utc)
END = datetime(2026, 1, 1, tzinfo=timezone.utc)
PER_ZONE = 8
# A date the zone skipped altogether (Samoa crossed the date line): every time of 2011-12-30.
EXTRA = [("Pacific/Apia", date(2011, 12, 29), 23, 59)] + [
    ("Pacific/Apia", date(2011, 12, 30), hh, mm) for hh, mm in [(0, 0), (8, 0), (12, 0), (23, 59)]
] + [("Pacific/Apia", date(2011, 12, 31), 0, 0)]
UTC = timezone.utc


def offset(zone, t):
    return t.astimezone(zone).utcoffset()


def transitions(zone):
    found = []
    t = START
    before = offset(zone, t)
    while t < END:
        n = t + timedelta(hours=1)
        after = offset(zone, n)
        if after != before:
            lo, hi = t, n  # offset(lo) == before, offset(hi) == after
            while hi - lo > timedelta(minutes=1):
                mid = lo + (hi - lo) / 2
                mid = mid.replace(second=0, microsecond=0)
                if mid <= lo:
                    mid = lo + timedelta(minutes=1)
                if offset(zone, mid) == before:
                    lo = mid
                else:
                    hi = mid
            found.append((hi, before, after))
            before = after
        t = n
    return found


def resolve(zone, d, hh, mm):
    local = datetime(d.year, d.month, d.day, hh, mm, tzinfo=zone, fold=0)
    return int(local.astimezone(UTC).timestamp())


def local_parts(t):
    return t.date(), t.hour, t.minute


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    resolve_rows = set(EXTRA)
    window_rows = {("Pacific/Apia", date(2011, 12, day), 23, 0, 2, 0) for day in (29, 30, 31)}
    for name in ZONES:
        zone = ZoneInfo(name)
        found = transitions(zone)
        chosen = found if len(found) <= PER_ZONE else found[: PER_ZONE // 2] + found[-PER_ZONE // 2 :]
        dates = {date(2001, 1, 15), date(2023, 7, 1)}
        for at, before, after in chosen:
            old_local = (at + before).replace(tzinfo=None)  # the wall clock just before, read on
            delta = after - before
            span = abs(delta)
            if delta > timedelta(0):  # a gap: [old_local, old_local + delta) never happens
                start = old_local
            else:  # an overlap: [old_local + delta, old_local) happens twice
                start = old_local + delta
            probes = [start - timedelta(minutes=1), start, start + span / 2, start + span - timedelta(minutes=1),
                      start + span]
            for p in probes:
                p = p.replace(second=0, microsecond=0)
                resolve_rows.add((name, p.date(), p.hour, p.minute))
            dates.add(start.date())
        for d in sorted(dates):
            for hh, mm in [(0, 0), (2, 30)]:
                resolve_rows.add((name, d, hh, mm))
            for day in [d - timedelta(days=1), d, d + timedelta(days=1)]:
                for (fh, fm), (uh, um) in [((23, 0), (2, 0)), ((22, 30), (1, 0)), ((0, 0), (3, 0))]:
                    window_rows.add((name, day, fh, fm, uh, um))
    with open(os.path.join(here, "resolve.tsv"), "w") as out:
        out.write("# zone\tlocal date\tlocal time\tinstant (Unix seconds), by Python's zoneinfo with fold=0\n")
        for name, d, hh, mm in sorted(resolve_rows):
            out.write(f"{name}\t{d.isoformat()}\t{hh:02d}:{mm:02d}\t{resolve(ZoneInfo(name), d, hh, mm)}\n")
    with open(os.path.join(here, "windows.tsv"), "w") as out:
        out.write("# zone\tdate opened\tfrom\tuntil\tstart\tend (Unix seconds; until <= from ends the next day)\n")
        for name, d, fh, fm, uh, um in sorted(window_rows):
            zone = ZoneInfo(name)
            end_date = d + timedelta(days=1) if (uh, um) <= (fh, fm) else d
            start = resolve(zone, d, fh, fm)
            # A date the zone skipped (its midnight is the next one's) opens no window: an
            # empty one, at where its start resolves to.
            skipped = resolve(zone, d, 0, 0) == resolve(zone, d + timedelta(days=1), 0, 0)
            end = start if skipped else resolve(zone, end_date, uh, um)
            out.write(f"{name}\t{d.isoformat()}\t{fh:02d}:{fm:02d}\t{uh:02d}:{um:02d}\t{start}\t{end}\n")


if __name__ == "__main__":
    main()
