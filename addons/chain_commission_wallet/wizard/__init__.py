from . import chain_wallet_staff_share_input
from . import chain_wallet_staff_share_mixin
from . import chain_wallet_topup_wizard
from . import chain_count_card_sell_wizard
from . import chain_count_card_use_wizard
