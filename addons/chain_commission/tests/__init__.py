from . import test_commission_rules
from . import test_commission_order_sync
from . import test_commission_clawback
from . import test_commission_settlement
from . import test_commission_plan
from . import test_security_commission
from . import test_commission_concurrency
from . import test_frontend
