from . import chain_sale_order_share
from . import sale_order
from . import sale_order_line
from . import chain_commission_line
from . import account_move
