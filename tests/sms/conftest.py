"""chain_sms's provider layer without Odoo: the plain-Python provider clients of
``addons/chain_sms/tools`` against the local provider servers of ``addons/chain_sms/tests``."""

import importlib.util
import sys
from pathlib import Path

import pytest

ADDON = Path(__file__).resolve().parents[2] / "addons" / "chain_sms"


def _load(name, path, package=False):
    if name in sys.modules:
        return sys.modules[name]
    location = path / "__init__.py" if package else path
    spec = importlib.util.spec_from_file_location(
        name, location, submodule_search_locations=[str(path)] if package else None
    )
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


sms_tools = _load("chain_sms_tools", ADDON / "tools", package=True)
servers = _load("chain_sms_provider_servers", ADDON / "tests" / "provider_servers.py")

ALIBABA_TEMPLATES = {
    "SMS_100001": ("【连锁会员】${name}，您的卡已充值${amount}元。", ["name", "amount"])
}
TENCENT_TEMPLATES = {"1000001": "{1}，您的卡已充值{2}元。"}


@pytest.fixture(scope="module")
def alibaba():
    server = servers.FakeAlibaba("LTAI-test-id", "ali-secret-123", "连锁会员", ALIBABA_TEMPLATES)
    server.start()
    server.timeout_delay = 0.6
    yield server
    server.stop()


@pytest.fixture(scope="module")
def tencent():
    server = servers.FakeTencent(
        "AKID-test", "tc-secret-456", "1400000001", "连锁会员", TENCENT_TEMPLATES
    )
    server.start()
    server.timeout_delay = 0.6
    yield server
    server.stop()


@pytest.fixture(scope="module")
def twilio():
    server = servers.FakeTwilio("AC0123456789", "tw-token-789", "+15005550006")
    server.start()
    server.timeout_delay = 0.6
    yield server
    server.stop()


@pytest.fixture(autouse=True)
def _reset(request):
    for name in ("alibaba", "tencent", "twilio"):
        if name in request.fixturenames:
            request.getfixturevalue(name).reset()


def make_provider(kind, server, **overrides):
    cls = sms_tools.PROVIDERS[kind]
    values = {
        "alibaba": dict(
            api_key=server.__dict__.get("access_key_id"),
            api_secret=server.__dict__.get("access_key_secret"),
            sign_name="连锁会员",
        ),
        "tencent": dict(
            api_key=server.__dict__.get("secret_id"),
            api_secret=server.__dict__.get("secret_key"),
            app_id="1400000001",
            sign_name="连锁会员",
        ),
        "twilio": dict(
            api_key=server.__dict__.get("account_sid"),
            api_secret=server.__dict__.get("auth_token"),
            sender="+15005550006",
        ),
    }[kind]
    values.update(overrides)
    endpoint = server.url + ("/" if kind == "alibaba" else "")
    config = sms_tools.provider.ProviderConfig(endpoint=endpoint, timeout=0.3, **values)
    return cls(config)
