#!/usr/bin/env python3
"""Independent count of what the ingestion contract says each sample file becomes.

Written separately from the C# engine (plain Python, the contract's rules read literally) so the
expected figures in tests/PowerView.Api.Tests/Ingestion/SampleFileTests.cs do not come from the code
they check. Usage: python3 tests/tools/expected_counts.py tests/PowerView.Api.Tests/TestData/samples [zone]

Times (contract §3): a header's DataTimeSettings decides (UTC, or local time in its TimeZoneName); every other
file is local time in the zone given (default Europe/Paris), converted with Python's zoneinfo on the host's tzdata
(the engine uses NodaTime's embedded TZDB). A repeated autumn time is its first occurrence unless the previous
valid row is strictly later; a skipped spring time takes the offset before the jump (PEP 495's fold=0 does exactly
that for a gap). Rows before 2021-01-01T00:00:00Z are clock-not-set rows.
"""
import calendar, datetime, json, os, re, sys, zoneinfo

TS = re.compile(r'^ *(\d{1,2})/(\d{1,2})/(\d{2}) +(\d{1,2}):(\d{1,2}):(\d{1,2}) *$')
NUM = re.compile(r'^ *[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)? *$')
MARKERS = {"MV_T302_V002", "MV_T302_V003", "MV_T202_V002"}

EARLIEST = calendar.timegm((2021, 1, 1, 0, 0, 0))

def wall(cell):
    """The wall-clock time as if it were UTC (epoch seconds), or None."""
    m = TS.match(cell)
    if not m:
        return None
    d, mo, y, h, mi, s = map(int, m.groups())
    y = 2000 + y if y <= 68 else 1900 + y
    if not (1 <= mo <= 12) or h > 23 or mi > 59 or s > 59:
        return None
    if not (1 <= d <= calendar.monthrange(y, mo)[1]):
        return None
    return calendar.timegm((y, mo, d, h, mi, s))

def to_utc(w, zone, previous):
    if zone is None:
        return w
    naive = datetime.datetime(1970, 1, 1) + datetime.timedelta(seconds=w)
    off0 = naive.replace(tzinfo=zone, fold=0).utcoffset().total_seconds()
    off1 = naive.replace(tzinfo=zone, fold=1).utcoffset().total_seconds()
    first = w - int(off0)
    if off0 > off1 and previous is not None and previous > first:
        return w - int(off1)  # the repeated hour's second pass
    return first

def count(path, default_zone):
    raw = open(path, 'rb').read()
    if raw.startswith(b'\xef\xbb\xbf'):
        raw = raw[3:]
    text = raw.decode('utf-8')
    lines = text.split('\n')
    last_terminated = text.endswith('\n')
    if last_terminated:
        lines = lines[:-1]
    lines = [l[:-1] if l.endswith('\r') else l for l in lines]
    n = len(lines)
    i = 0
    while i < n and lines[i].strip() == '':
        i += 1
    if i >= n:
        return {"status": "error", "error": "empty"}
    header = lines[i].strip() == 'START_HEADER'
    zone = default_zone
    if header:
        end = i
        while lines[end].strip() != 'END_HEADER':
            end += 1
        meta = json.loads('\n'.join(lines[i + 1:end]))
        settings = (meta.get('DataTimeSettings') or '').strip()
        if settings.upper() == 'UTC':
            zone = None
        elif settings:
            zone = zoneinfo.ZoneInfo(meta['TimeZoneName'])
        while lines[i].strip() != 'START_DATA':
            i += 1
        i += 1
    a, b = lines[i].split('\t'), lines[i + 1].split('\t')
    i += 2
    if b[0].strip() not in MARKERS:
        return {"status": "error", "error": "marker " + b[0]}
    channels = len(a) - 1
    r = dict(status="success", linesTotal=0, rows=0, invalidTimestamps=0, clockNotSet=0, invalidValues=0, truncated=0, points=0,
             first=None, last=None, distinct=0)
    previous, instants = None, set()
    for k in range(i, n):
        line = lines[k]
        if header and line.strip() == 'END_DATA':
            break
        if line.strip(' \t') == '':
            continue
        r["linesTotal"] += 1
        if k == n - 1 and not last_terminated:
            r["truncated"] += 1
            continue
        cells = line.split('\t')
        w = wall(cells[0])
        if w is None:
            r["invalidTimestamps"] += 1
            continue
        t = to_utc(w, zone, previous)
        previous = t
        if t < EARLIEST:
            r["clockNotSet"] += 1
            continue
        r["rows"] += 1
        instants.add(t)
        r["first"] = t if r["first"] is None else min(r["first"], t)
        r["last"] = t if r["last"] is None else max(r["last"], t)
        for c in range(1, channels + 1):
            if c < len(cells) and NUM.match(cells[c]) and abs(float(cells[c])) != float('inf'):
                r["points"] += 1
            else:
                r["invalidValues"] += 1
    r["channels"] = channels
    r["distinct"] = len(instants)
    return r

root = sys.argv[1]
default_zone = zoneinfo.ZoneInfo(sys.argv[2] if len(sys.argv) > 2 else 'Europe/Paris')
for dirpath, _, files in sorted(os.walk(root)):
    for f in sorted(files):
        if f.endswith('.tsv'):
            p = os.path.join(dirpath, f)
            print(os.path.relpath(p, root), json.dumps(count(p, default_zone)))
