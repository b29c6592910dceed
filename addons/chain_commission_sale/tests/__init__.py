from . import test_commission_sale
from . import test_security_commission_sale
from . import test_frontend
