from . import chain_sms_campaign_test
