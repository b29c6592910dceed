from . import test_pos_config
from . import test_frontend
from . import test_security_pos_hw
