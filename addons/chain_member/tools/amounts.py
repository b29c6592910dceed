"""Amounts that come from a client (a till payload, an RPC argument, a wizard, an import file).

Every money operation of the suite reads its amount through :func:`check_amount`: what is not
a finite number gets a translated ``UserError`` instead of a Python error, and a single
operation above the chain's ceiling (setting *Largest Single Amount*, config parameter
``chain_member.amount_ceiling``; 0 disables it) is refused before anything is written.
"""

import math

from odoo.exceptions import UserError

CEILING_PARAM = "chain_member.amount_ceiling"
DEFAULT_CEILING = 50000.0


def parse_amount(env, value, label=None):
    """``value`` as a finite float, or a UserError naming ``label`` (what the amount is)."""
    label = label or env._("The amount")
    number = None
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        number = float(value)
    elif isinstance(value, str):
        text = value.strip().replace(",", "").replace("，", "")
        try:
            number = float(text)
        except ValueError:
            number = None
    if number is None or not math.isfinite(number):
        raise UserError(
            env._("%(label)s must be a number; %(value)r is not one.", label=label, value=value)
        )
    return number


def amount_ceiling(env):
    """The chain's largest single amount (0: no ceiling)."""
    value = env["ir.config_parameter"].sudo().get_param(CEILING_PARAM, DEFAULT_CEILING)
    try:
        ceiling = float(value)
    except (TypeError, ValueError):
        return DEFAULT_CEILING
    return ceiling if math.isfinite(ceiling) and ceiling >= 0 else DEFAULT_CEILING


def check_amount(env, value, label=None, ceiling=None):
    """``value`` parsed (:func:`parse_amount`) and within the chain's ceiling (or ``ceiling``),
    else a UserError. Returns the float; the sign is the caller's to check."""
    number = parse_amount(env, value, label)
    ceiling = amount_ceiling(env) if ceiling is None else ceiling
    if ceiling and abs(number) > ceiling:
        raise UserError(
            env._(
                "%(label)s of %(amount)s is above the chain's limit for a single operation "
                "(%(ceiling)s). Split it, or ask headquarters to raise the limit.",
                label=label or env._("The amount"),
                amount=f"{number:,.2f}",
                ceiling=f"{ceiling:,.2f}",
            )
        )
    return number
