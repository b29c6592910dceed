from . import chain_commission_adjust
from . import chain_commission_settlement_generate
