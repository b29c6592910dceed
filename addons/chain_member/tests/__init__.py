from . import test_chain_store
from . import test_operation_log
from . import test_roles
from . import test_demo_chain
from . import test_member_registration
from . import test_card_lifecycle
from . import test_member_tier
