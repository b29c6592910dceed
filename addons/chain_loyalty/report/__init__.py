from . import chain_points_report
from . import chain_points_liability_report
