"""The threat model ("What the server trusts" in the repository's README) covers every public
method of the suite: a public method (no leading underscore) of a chain model, or one the suite
adds to or overrides on an Odoo model, and every HTTP route of the suite's controllers. A new
one without its row in the README fails this test, so that nobody adds a door to the money
without saying who may open it."""

import inspect
import os
import re
import sys

from odoo import http
from odoo.modules.module import get_module_path
from odoo.tests import tagged
from odoo.tests.common import TransactionCase

SECTION = "## What the server trusts"
SUITE_PREFIX = "odoo.addons.chain_"


def threat_model_path():
    return os.path.join(
        os.path.dirname(os.path.dirname(get_module_path("chain_member"))), "README.md"
    )


def read_threat_model():
    """{(model, method)} and {(controller module, route function)} named in the README."""
    with open(threat_model_path(), encoding="utf-8") as readme:
        text = readme.read()
    start = text.index(SECTION)
    end = text.find("\n## ", start + len(SECTION))
    section = text[start : end if end > 0 else len(text)]
    methods = set()
    for line in section.splitlines():
        if not line.startswith("|") or line.startswith("| ---"):
            continue
        cells = [cell.strip() for cell in re.split(r"(?<!\\)\|", line.strip().strip("|"))]
        if len(cells) < 2:
            continue
        models = re.findall(r"\b[a-z_]+(?:\.[a-z_]+)+\b", cells[0])
        names = re.findall(r"`([A-Za-z_][A-Za-z0-9_]*)`", cells[1])
        for model in models:
            for name in names:
                if not name.startswith("_"):  # private helpers named for the reader
                    methods.add((model, name))
    return methods


def suite_public_methods(env):
    """{(model, method)}: public functions defined by a class of the suite's addons."""
    found = set()
    for name in env.registry:
        for cls in type(env[name]).__mro__:
            if not cls.__module__.startswith(SUITE_PREFIX):
                continue
            for attr, value in vars(cls).items():
                if attr.startswith("_") or attr == "init":  # Odoo refuses them over RPC
                    continue
                if inspect.isfunction(value) or isinstance(value, (classmethod, staticmethod)):
                    found.add((name, attr))
    return found


def suite_routes():
    """{(addon.controller, function)}: the HTTP routes of the suite's controllers (every class
    of a loaded ``odoo.addons.chain_*.controllers`` module that is an ``http.Controller``)."""
    found = set()
    for module_name, module in list(sys.modules.items()):
        if not module_name.startswith(SUITE_PREFIX) or ".controllers" not in module_name:
            continue
        addon = module_name.split(".")[2]
        for cls in vars(module).values():
            if not (
                inspect.isclass(cls)
                and issubclass(cls, http.Controller)
                and cls.__module__ == module_name
            ):
                continue
            for attr, value in vars(cls).items():
                if getattr(value, "original_routing", None) is not None:
                    found.add((f"{addon}.controller", attr))
    return found


@tagged("post_install", "-at_install", "chain_security")
class TestThreatModel(TransactionCase):
    def test_every_public_method_is_in_the_threat_model(self):
        documented = read_threat_model()
        public = suite_public_methods(self.env)
        self.assertTrue(public, "the suite defines public methods: the scan found none")
        missing = sorted(public - documented)
        self.assertFalse(
            missing,
            "Public methods without a row in README.md, 'What the server trusts': "
            + ", ".join(f"{model}.{method}" for model, method in missing),
        )

    def test_every_route_is_in_the_threat_model(self):
        documented = read_threat_model()
        routes = suite_routes()
        self.assertTrue(routes, "the suite has HTTP routes: the scan found none")
        missing = sorted(routes - documented)
        self.assertFalse(
            missing,
            "HTTP routes without a row in README.md, 'What the server trusts': "
            + ", ".join(f"{module}.{route}" for module, route in missing),
        )

    def test_threat_model_names_only_what_exists(self):
        """A row for a method that no longer exists (renamed private, removed) is stale."""
        uninstalled = self.env["ir.module.module"].search_count(
            [("name", "=like", "chain\\_%"), ("state", "!=", "installed")]
        )
        if uninstalled:
            self.skipTest("some of the suite's addons are not installed")
        documented = read_threat_model()
        existing = suite_public_methods(self.env) | suite_routes()
        stale = sorted(
            (model, method)
            for model, method in documented - existing
            if model in self.env.registry or model.endswith(".controller")
        )
        self.assertFalse(
            stale,
            "README.md, 'What the server trusts', names methods that are not public methods "
            "of the suite: " + ", ".join(f"{model}.{method}" for model, method in stale),
        )
