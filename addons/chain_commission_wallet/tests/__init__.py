from . import test_commission_wallet
from . import test_frontend
from . import test_security_commission_wallet
