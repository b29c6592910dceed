"""Lunar (Chinese calendar) birthdays mapped to solar dates, with borax (never by hand).

A lunar birthday is a (month, day, leap) triple: the member celebrates it every lunar year on
that day. Two cases have no such day in some lunar years; our rules (README_REMINDERS.md):

* **Day 30 in a 29-day month** (小月): celebrated on the month's last day, the 29th.
* **A leap-month birthday (闰月) in a year without that leap month**: celebrated in the ordinary
  month of the same number (same day, with the day-30 rule above when that month is short).

A birthday in the 11th or 12th lunar month falls in January or February of the next solar year;
mapping from the solar date (not from the lunar year) handles that by construction.
"""

from datetime import date, timedelta

from borax.calendars.lunardate import LCalendars, LunarDate


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


def lunar_birthday_table(date_from, date_to):
    """Rows ``(month, day, leap, solar_date)`` for each solar date from ``date_from`` to
    ``date_to`` (both included): the lunar birthdays celebrated that day. A few rows per day;
    the nightly job joins the members' lunar birthday columns on them."""
    rows = []
    day = date_from
    while day <= date_to:
        rows += [(month, lunar_day, leap, day) for month, lunar_day, leap in lunar_keys_of(day)]
        day += timedelta(days=1)
    return rows


def lunar_birthday_in(lunar_year, month, day, leap=False):
    """The solar date on which a lunar birthday (month, day, leap) is celebrated in
    ``lunar_year``, by the rules above."""
    if leap and LCalendars.leap_month(lunar_year) != month:
        leap = False
    day = min(day, LCalendars.ndays(lunar_year, month, int(leap)))
    return LunarDate(lunar_year, month, day, int(leap)).to_solar_date()


def next_lunar_birthday(month, day, leap=False, on_or_after=None):
    """The first solar date on or after ``on_or_after`` (default today) on which the lunar
    birthday (month, day, leap) is celebrated."""
    on_or_after = on_or_after or date.today()
    lunar_year = LunarDate.from_solar(on_or_after).year
    for year in (lunar_year - 1, lunar_year, lunar_year + 1):
        solar = lunar_birthday_in(year, month, day, leap)
        if solar >= on_or_after:
            return solar
    raise ValueError("no lunar birthday found")  # unreachable: a lunar year has every month


def solar_birthday_table(date_from, date_to):
    """Rows ``(month, day, solar_date)`` for each solar date of the window: the solar birthdays
    celebrated that day. A birthday on 29 February is celebrated on 28 February in a year that
    is not a leap year."""
    rows = []
    day = date_from
    while day <= date_to:
        rows.append((day.month, day.day, day))
        if (day.month, day.day) == (2, 28) and not _is_leap_year(day.year):
            rows.append((2, 29, day))
        day += timedelta(days=1)
    return rows


def _is_leap_year(year):
    return year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)
