from . import models
from . import wizard
from . import report
from . import controllers
from .models.res_partner_balance_turn import drop_turn_views


def uninstall_hook(env):
    drop_turn_views(env.cr)
