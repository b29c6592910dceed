from . import chain_commission_adjust
from . import chain_commission_settlement_generate
from . import chain_attendance_sheet
from . import chain_attendance_makeup_refuse
from . import chain_commission_payroll_export
