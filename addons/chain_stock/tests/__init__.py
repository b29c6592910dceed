from . import test_stock_by_store
from . import test_catalogue_demo
