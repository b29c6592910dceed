"""The suite's one birthday rule: when a member's birthday, solar or lunar, is celebrated.

Every birthday question goes through this module: the nightly reminders, the SMS greeting and
segments, the points multiplier, the member promotions, the till and the portal (through the
``res.partner`` helpers ``_chain_birthday_*`` of chain_member). Lunar dates are converted with
borax, never by hand. The rules (documented once, in chain_member's README, *Birthdays: the
rules*):

* **A solar birthday** (month, day) is celebrated on that day every year; **29 February** on
  **28 February** in a year that is not a leap year.
* **A lunar birthday** is a (month, day, leap) triple, celebrated every lunar year on that
  day of that lunar month:

  - **day 30 in a 29-day month** (小月): on the month's last day, the 29th;
  - **a leap-month (闰月) birthday in a year without that leap month**: in the ordinary month
    of the same number, same day (with the day-30 rule when that month is short). In a year
    with that leap month, only in the leap month.
  - A birthday late in the lunar year (11th, 12th month) usually falls in January or February
    of the *next* solar year. Everything here maps solar dates to lunar ones (or lunar years to
    the solar dates they contain), never a solar year to a lunar year of the same number, so
    this needs no special case. A lunar year is 354 to 385 days long: a solar year holds the
    same lunar birthday twice (lunar 11-20: 2026-01-08 and 2026-12-28) or not at all (none in
    2025: 2024-12-20, then 2026-01-08).

* **The birthday month** of a day is its solar month when a birthday is celebrated in that
  solar month of that solar year: for a lunar birthday, the solar month that holds the lunar
  birthday of that solar year (both months when the year holds it twice, none when it holds it
  not at all). A solar month never holds the same birthday twice.

A member's birthday is a :class:`Birthday` (see :func:`birthday_of`). The functions take dates
and birthdays only; :func:`birthday_sql` is the set-based form for the nightly jobs (the same
rule as the per-member functions, by construction: both read :func:`solar_keys_of` and
:func:`lunar_keys_of`).
"""

import calendar
from collections import namedtuple
from datetime import date, timedelta

from borax.calendars.lunardate import LCalendars, LunarDate

from odoo.tools import SQL

# The scopes of the birthday rules of the points program and the member promotions.
SCOPES = ("day", "month")
# The longest gap between two celebrations of one birthday (a leap lunar year: 385 days; a
# solar 29 February: 366): the next birthday is always found within this many days.
MAX_GAP_DAYS = 400


class Birthday(namedtuple("Birthday", "lunar month day leap")):
    """A birthday as celebrated: ``lunar`` (bool), ``month`` and ``day`` (of the solar date of
    birth, or of the lunar calendar), ``leap`` (born in a leap lunar month; False for a solar
    birthday)."""

    __slots__ = ()


def is_valid_lunar(month, day):
    """Whether (month, day) can be a lunar birthday: a month from 1 to 12, a day from 1 to 30."""
    return bool(month and day and 1 <= month <= 12 and 1 <= day <= 30)


def birthday_of(calendar_name, solar_birthday, lunar_month, lunar_day, lunar_leap):
    """The :class:`Birthday` a member celebrates, from the member's fields (``birthday_calendar``,
    ``birthday``, ``birthday_lunar_month/day/leap``), or None: a lunar member celebrates the
    lunar birthday (never the solar date of birth), any other member the solar date of birth."""
    if calendar_name == "lunar":
        if is_valid_lunar(lunar_month, lunar_day):
            return Birthday(True, lunar_month, lunar_day, bool(lunar_leap))
        return None
    if solar_birthday:
        return Birthday(False, solar_birthday.month, solar_birthday.day, False)
    return None


# ---------------------------------------------------------------------------------------------
# One day: which birthdays are celebrated on it
# ---------------------------------------------------------------------------------------------
def solar_keys_of(solar_date):
    """The solar birthdays (month, day) celebrated on ``solar_date``: the day itself, and
    (2, 29) on 28 February of a year that is not a leap year."""
    keys = [(solar_date.month, solar_date.day)]
    if (solar_date.month, solar_date.day) == (2, 28) and not calendar.isleap(solar_date.year):
        keys.append((2, 29))
    return keys


def lunar_keys_of(solar_date):
    """The lunar birthdays (month, day, leap) celebrated on ``solar_date``, fallbacks included.

    The day itself always; also (month, 30, leap) when it is the 29th and last day of its month;
    also the leap-month birthdays of an ordinary month whose year has no leap month of that
    number (with the same day-30 rule).
    """
    lunar = LunarDate.from_solar(solar_date)
    leap = bool(lunar.leap)
    days = [lunar.day]
    if lunar.day == 29 and LCalendars.ndays(lunar.year, lunar.month, int(leap)) == 29:
        days.append(30)
    keys = [(lunar.month, day, leap) for day in days]
    if not leap and LCalendars.leap_month(lunar.year) != lunar.month:
        keys += [(lunar.month, day, True) for day in days]
    return keys


def is_birthday(birthday, day):
    """Whether the birthday is celebrated on ``day``."""
    if not birthday:
        return False
    if birthday.lunar:
        return (birthday.month, birthday.day, birthday.leap) in lunar_keys_of(day)
    return (birthday.month, birthday.day) in solar_keys_of(day)


# ---------------------------------------------------------------------------------------------
# A birthday: the days it is celebrated on
# ---------------------------------------------------------------------------------------------
def solar_birthday_in(year, month, day):
    """The day a solar birthday (month, day) is celebrated in ``year`` (29 February: the 28th
    in a year that is not a leap year)."""
    if (month, day) == (2, 29) and not calendar.isleap(year):
        return date(year, 2, 28)
    return date(year, month, day)


def lunar_birthday_in(lunar_year, month, day, leap=False):
    """The solar date on which a lunar birthday (month, day, leap) is celebrated in the lunar
    year ``lunar_year`` (which ends in the next solar year), by the rules above."""
    if leap and LCalendars.leap_month(lunar_year) != month:
        leap = False
    day = min(day, LCalendars.ndays(lunar_year, month, int(leap)))
    return LunarDate(lunar_year, month, day, int(leap)).to_solar_date()


def birthdays_between(birthday, date_from, date_to):
    """The solar dates from ``date_from`` to ``date_to`` (both included) on which the birthday
    is celebrated, in order."""
    if not birthday or date_from > date_to:
        return []
    if birthday.lunar:
        years = range(LunarDate.from_solar(date_from).year, LunarDate.from_solar(date_to).year + 1)
        days = (
            lunar_birthday_in(year, birthday.month, birthday.day, birthday.leap) for year in years
        )
    else:
        years = range(date_from.year, date_to.year + 1)
        days = (solar_birthday_in(year, birthday.month, birthday.day) for year in years)
    return [day for day in days if date_from <= day <= date_to]


def birthdays_in_year(birthday, year):
    """The solar dates of solar year ``year`` on which the birthday is celebrated: one for a
    solar birthday; none, one or two for a lunar one (see the module's docstring)."""
    return birthdays_between(birthday, date(year, 1, 1), date(year, 12, 31))


def birthday_in_month(birthday, year, month):
    """The day of solar month ``month`` of ``year`` on which the birthday is celebrated, or
    None (a month never holds two)."""
    last = calendar.monthrange(year, month)[1]
    found = birthdays_between(birthday, date(year, month, 1), date(year, month, last))
    return found[0] if found else None


def next_birthday(birthday, on_or_after):
    """The first solar date on or after ``on_or_after`` on which the birthday is celebrated
    (None without a birthday)."""
    found = birthdays_between(birthday, on_or_after, on_or_after + timedelta(days=MAX_GAP_DAYS))
    return found[0] if found else None


def next_lunar_birthday(month, day, leap=False, on_or_after=None):
    """The first solar date on or after ``on_or_after`` (default today) on which the lunar
    birthday (month, day, leap) is celebrated."""
    return next_birthday(Birthday(True, month, day, bool(leap)), on_or_after or date.today())


def in_birthday_scope(birthday, day, scope="day"):
    """Whether ``day`` is the birthday (``scope`` "day") or in the birthday month ("month": a
    birthday is celebrated in the solar month of ``day``, see the module's docstring)."""
    if scope == "day":
        return is_birthday(birthday, day)
    if scope == "month":
        return birthday_in_month(birthday, day.year, day.month) is not None
    raise ValueError(f"Unknown birthday scope {scope!r}")


def till_birthday_month(birthday, today):
    """The solar month of the birthday in ``today``'s solar year, for the till (which compares
    it with the current month): ``today``'s month when it is a birthday month, else the next
    birthday month of the year, else the last one; 0 when the year holds no birthday."""
    months = sorted({day.month for day in birthdays_in_year(birthday, today.year)})
    if today.month in months:
        return today.month
    later = [month for month in months if month > today.month]
    return (later or months[-1:] or [0])[0]


# ---------------------------------------------------------------------------------------------
# A window: every birthday celebrated in it, set-based
# ---------------------------------------------------------------------------------------------
def solar_birthday_table(date_from, date_to):
    """Rows ``(month, day, solar_date)`` for each solar date of the window: the solar birthdays
    celebrated that day (:func:`solar_keys_of`)."""
    rows = []
    day = date_from
    while day <= date_to:
        rows += [(month, mday, day) for month, mday in solar_keys_of(day)]
        day += timedelta(days=1)
    return rows


def lunar_birthday_table(date_from, date_to):
    """Rows ``(month, day, leap, solar_date)`` for each solar date from ``date_from`` to
    ``date_to`` (both included): the lunar birthdays celebrated that day
    (:func:`lunar_keys_of`). A few rows per day; the nightly job joins the members' lunar
    birthday columns on them."""
    rows = []
    day = date_from
    while day <= date_to:
        rows += [(month, lunar_day, leap, day) for month, lunar_day, leap in lunar_keys_of(day)]
        day += timedelta(days=1)
    return rows


def birthday_sql(date_from, date_to, changed_since=None):
    """SQL of the members' birthdays celebrated from ``date_from`` to ``date_to`` (both
    included), of members changed since ``changed_since`` when given: rows ``(partner_id,
    due_date, event_values)`` (``{"lunar": true}`` for a lunar birthday), active members only.

    Set-based for a million members: the window's solar and lunar tables (a few rows a day)
    joined on the partial indexes ``res_partner_chain_solar_birthday`` (month and day of
    ``birthday``) and ``res_partner_chain_lunar_birthday`` (created by chain_member's
    reminders). The members are ``res_partner`` rows aliased ``p``; the same rule as
    :func:`is_birthday` and :func:`birthday_of`: a lunar member by the lunar columns only, any
    other member by ``birthday``."""
    solar = solar_birthday_table(date_from, date_to)
    lunar = lunar_birthday_table(date_from, date_to)
    changed = SQL("AND p.write_date >= %s", changed_since) if changed_since else SQL()
    return SQL(
        """
        SELECT p.id AS partner_id, w.due AS due_date, '{}'::jsonb AS event_values
          FROM unnest(%(s_month)s::int[], %(s_day)s::int[], %(s_due)s::date[])
               AS w(month, day, due)
          JOIN res_partner p ON EXTRACT(MONTH FROM p.birthday) = w.month
                            AND EXTRACT(DAY FROM p.birthday) = w.day
         WHERE p.is_member AND p.active AND p.birthday IS NOT NULL
           AND COALESCE(p.birthday_calendar, 'solar') <> 'lunar' %(changed)s
        UNION ALL
        SELECT p.id, w.due, '{"lunar": true}'::jsonb
          FROM unnest(%(l_month)s::int[], %(l_day)s::int[], %(l_leap)s::bool[],
                      %(l_due)s::date[]) AS w(month, day, leap, due)
          JOIN res_partner p ON p.birthday_lunar_month = w.month
                            AND p.birthday_lunar_day = w.day
                            AND COALESCE(p.birthday_lunar_leap, FALSE) = w.leap
         WHERE p.is_member AND p.active AND p.birthday_calendar = 'lunar' %(changed)s
        """,
        s_month=[row[0] for row in solar],
        s_day=[row[1] for row in solar],
        s_due=[row[2] for row in solar],
        l_month=[row[0] for row in lunar],
        l_day=[row[1] for row in lunar],
        l_leap=[row[2] for row in lunar],
        l_due=[row[3] for row in lunar],
        changed=changed,
    )
