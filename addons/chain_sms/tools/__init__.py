from . import provider
from . import alibaba
from . import tencent
from . import twilio
from . import rate_limit
from . import redaction

PROVIDERS = {
    alibaba.AlibabaProvider.code: alibaba.AlibabaProvider,
    tencent.TencentProvider.code: tencent.TencentProvider,
    twilio.TwilioProvider.code: twilio.TwilioProvider,
}

redaction.install()
