from . import test_stock_by_store
from . import test_catalogue_demo
from . import test_security_stock
