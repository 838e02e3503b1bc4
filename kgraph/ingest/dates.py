"""Feed dates read strictly: ISO 8601 / W3C and RFC 822 dates parsed, any
other form taken from feedparser's reading only if it shows the same day; a
date is never invented or rolled over (:func:`parse_date`).

>>> parse_date("2024-05-06")
'2024-05-06T00:00:00Z'
"""

from __future__ import annotations

import calendar
import email.utils
import re
import time
from datetime import datetime, timedelta, timezone

__all__ = ["parse_date"]


_ISO_DATE = re.compile(
    r"(\d{4})[-/](\d{1,2})[-/](\d{1,2})"
    r"(?:(?:T|\s+)(\d{1,2}):(\d{2})(?::(\d{2})(?:[.,]\d+)?)?)?"
    r"\s*(Z|UTC|GMT|[+-]\d{2}(?::?\d{2})?)?",
    re.I,
)
_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")


def _iso_utc(parsed: time.struct_time | None) -> str:
    if not parsed:
        return ""
    try:
        ts = calendar.timegm(parsed)
        return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(ts))
    except (OverflowError, ValueError, TypeError):
        return ""


def _utc_text(moment: datetime) -> str:
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def _iso_date(raw: str) -> str | None:
    """Strictly parse an ISO 8601 / W3C date; ``None`` if ``raw`` is not one,
    ``""`` if it looks like one but names an impossible day or time."""
    match = _ISO_DATE.fullmatch(raw)
    if not match:
        return None
    y, mo, d, hh, mi, ss, zone = match.groups()
    try:
        moment = datetime(int(y), int(mo), int(d), int(hh or 0), int(mi or 0), int(ss or 0))
        zone = (zone or "Z").upper()
        if zone not in ("Z", "UTC", "GMT"):
            sign = 1 if zone[0] == "+" else -1
            digits = zone[1:].replace(":", "")
            offset = timedelta(hours=int(digits[:2]), minutes=int(digits[2:4] or 0))
            if offset > timedelta(hours=14):
                return ""
            moment -= sign * offset
        return _utc_text(moment)
    except (ValueError, OverflowError):
        return ""


def _consistent(raw: str, parsed: time.struct_time) -> bool:
    """Whether a date feedparser read from ``raw`` shows the year, month and
    day that ``raw`` itself contains (±1 day for the time zone), i.e. was not
    rolled over or guessed."""
    low = raw.lower()
    numbers = {int(n) for n in re.findall(r"\d+", low)}
    day = datetime(parsed.tm_year, parsed.tm_mon, parsed.tm_mday)
    for moment in (day, day - timedelta(days=1), day + timedelta(days=1)):
        month_ok = moment.month in numbers or _MONTHS[moment.month - 1] in low
        if moment.year in numbers and moment.day in numbers and month_ok:
            return True
    return False


def parse_date(raw: str, parsed: time.struct_time | None = None) -> str:
    """ISO 8601 UTC text of a feed date, or ``""`` when it cannot be read for sure.

    ISO 8601 / W3C and RFC 822 dates are parsed strictly; any other form is
    taken from feedparser's reading (``parsed``) only if that shows the same
    year, month and day as the text. A date is never invented or rolled over.

    >>> parse_date("Wed, 18 Mar 2026 21:50:56 GMT"), parse_date("2024-05-06T10:00:00+02:00")
    ('2026-03-18T21:50:56Z', '2024-05-06T08:00:00Z')
    >>> parse_date("2024-13-45"), parse_date("Wed, 31 Feb 2024 10:00:00 GMT"), parse_date("last tuesday")
    ('', '', '')
    """
    raw = " ".join(raw.split())
    if not raw:
        return ""
    iso = _iso_date(raw)
    if iso is not None:
        return iso
    try:
        return _utc_text(email.utils.parsedate_to_datetime(raw))
    except (TypeError, ValueError, OverflowError, IndexError):
        pass
    if parsed and _consistent(raw, parsed):
        return _iso_utc(parsed)
    return ""
