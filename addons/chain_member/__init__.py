from . import models
from . import wizard
from . import controllers
from .tools.balance_turn import drop_turn_views


def _warm_http_statics():
    """Read every addon's manifest now, in the loading thread. Odoo reads them on the first
    request for a static file; a browser opening the till asks for several at once, and
    CPython 3.11 before 3.11.8 can fail when two threads compile at the same moment
    ("SystemError: AST constructor recursion depth mismatch", python/cpython#106905): the
    till then never loads (seen in a POS tour on this machine's Python 3.11.7)."""
    from odoo import http

    if http.root is not None:
        getattr(http.root, "statics")  # noqa: B009 - computed once, then cached by Odoo


_warm_http_statics()


def uninstall_hook(env):
    drop_turn_views(env.cr)
