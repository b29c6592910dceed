from . import test_stock_by_store
from . import test_catalogue_demo
from . import test_security_stock
from . import test_stock_request_flow
from . import test_security_stock_request
from . import test_stock_request_concurrency
from . import test_frontend
