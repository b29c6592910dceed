from . import chain_stock_request_approve
from . import chain_stock_request_reject
from . import chain_stock_request_receive
