from . import stock_warehouse
from . import stock_quant
from . import chain_operation_log
from . import chain_stock_request
from . import chain_stock_request_line
from . import chain_stock_difference
