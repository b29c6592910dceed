from . import test_pos_config
from . import test_pos_hw_tour
from . import test_security_pos_hw
