from . import chain_wallet_staff_share
from . import chain_commission_line
from . import chain_wallet_transaction
from . import chain_count_card_move
from . import chain_wallet_account
from . import chain_count_card_package
