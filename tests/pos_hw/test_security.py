"""Only the configured POS origins, with the shared token, may use the proxy."""

import pytest

from .conftest import ORIGIN, TOKEN

RECEIPT = {"header": ["Shop"], "lines": [{"name": "Tea", "price": "1.00"}]}


def test_the_pos_origin_with_the_token_is_served_with_cors_headers(sim_proxy):
    status, body, headers = sim_proxy.client.get("/v1/health")
    assert status == 200 and body["status"] == "ok" and body["simulator"] is True
    assert headers["Access-Control-Allow-Origin"] == ORIGIN
    assert "Origin" in headers["Vary"]


def test_preflight_is_answered_for_the_pos_origin_only(sim_proxy):
    preflight = {
        "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "content-type,x-chain-proxy-token",
        "Access-Control-Request-Private-Network": "true",
    }
    status, _body, headers = sim_proxy.client.request(
        "OPTIONS", "/v1/print", token=None, headers=preflight
    )
    assert status == 204
    assert headers["Access-Control-Allow-Origin"] == ORIGIN
    assert "X-Chain-Proxy-Token" in headers["Access-Control-Allow-Headers"]
    assert headers["Access-Control-Allow-Private-Network"] == "true"

    status, _body, headers = sim_proxy.client.request(
        "OPTIONS", "/v1/print", origin="https://evil.example", token=None, headers=preflight
    )
    assert status == 403 and "Access-Control-Allow-Origin" not in headers


@pytest.mark.parametrize(
    "origin",
    ["https://evil.example", "http://localhost:8070.evil.example", "http://localhost:8068", "null"],
)
def test_other_origins_are_refused_even_with_the_token(sim_proxy, origin):
    status, body, headers = sim_proxy.client.post(
        "/v1/print", {"job_id": "x", "receipt": RECEIPT}, origin=origin
    )
    assert status == 403 and body["error"] == "forbidden_origin"
    assert "Access-Control-Allow-Origin" not in headers
    assert sim_proxy.printed_bytes() == b""


@pytest.mark.parametrize("token", [None, "", "wrong", TOKEN + "x", TOKEN[:-1]])
def test_a_missing_or_wrong_token_is_refused(sim_proxy, token):
    for method, path, body in (
        ("POST", "/v1/print", {"job_id": "x", "receipt": RECEIPT}),
        ("POST", "/v1/drawer", {}),
        ("GET", "/v1/events?timeout=0", None),
        ("GET", "/v1/devices", None),
    ):
        status, answer, headers = sim_proxy.client.request(method, path, body=body, token=token)
        assert status == 401 and answer["error"] == "bad_token"
        # The POS origin may read the refusal, so it can tell the cashier the token is wrong.
        assert headers["Access-Control-Allow-Origin"] == ORIGIN
    assert sim_proxy.printed_bytes() == b""


def test_the_token_in_the_url_is_not_accepted_by_the_api(sim_proxy):
    status, _body, _headers = sim_proxy.client.get(f"/v1/devices?token={TOKEN}", token=None)
    assert status == 401


def test_a_foreign_host_name_is_refused(sim_proxy):
    """A site that rebinds its DNS name to 127.0.0.1 sends its own name as Host."""
    status, body, _headers = sim_proxy.client.get(
        "/v1/devices", origin=None, headers={"Host": f"evil.example:{sim_proxy.port}"}
    )
    assert status == 403 and body["error"] == "forbidden_origin"


def test_a_local_tool_without_origin_needs_the_token(sim_proxy):
    assert sim_proxy.client.get("/v1/devices", origin=None)[0] == 200
    assert sim_proxy.client.get("/v1/devices", origin=None, token=None)[0] == 401


def test_bad_bodies_are_refused_without_harm(sim_proxy):
    client = sim_proxy.client
    for raw in (b"{", b"[1, 2]", b"\xff\xfe", b'"text"'):
        status, body, _headers = client.request("POST", "/v1/print", raw=raw)
        assert status == 400 and body["error"] == "bad_json"
    status, body, _headers = client.request(
        "POST", "/v1/print", headers={"Content-Length": str(10 * 1024 * 1024)}
    )
    assert status == 413 and body["error"] == "too_large"
    assert client.get("/v1/health")[0] == 200
