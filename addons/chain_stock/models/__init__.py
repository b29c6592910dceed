from . import stock_warehouse
from . import stock_quant
