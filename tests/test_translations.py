"""Every user-facing string of every addon has its Simplified Chinese translation.

`./run test` exports each installed addon's template (.pot) from the test database into
CHAIN_POT_DIR; each template's msgids must all be translated in the addon's i18n/zh_CN.po.
"""

import os
from pathlib import Path

import polib
import pytest
from conftest import ADDON_NAMES, REPO


def pot_dir():
    directory = os.environ.get("CHAIN_POT_DIR")
    if not directory:
        pytest.skip("CHAIN_POT_DIR is not set: run these tests through `./run test`")
    return Path(directory)


@pytest.mark.parametrize("addon", ADDON_NAMES)
def test_zh_cn_translates_every_exported_string(addon):
    template = pot_dir() / f"{addon}.pot"
    assert template.exists(), f"{addon} was not exported (not installed?)"
    po_path = REPO / "addons" / addon / "i18n" / "zh_CN.po"
    assert po_path.exists(), f"{addon} has no i18n/zh_CN.po"
    translated = {
        (entry.msgctxt, entry.msgid): entry.msgstr
        for entry in polib.pofile(str(po_path))
        if entry.msgstr.strip() and not entry.obsolete
    }
    missing = [
        entry.msgid
        for entry in polib.pofile(str(template))
        if entry.msgid and (entry.msgctxt, entry.msgid) not in translated
    ]
    assert not missing, f"{len(missing)} untranslated strings in {addon}, e.g. {missing[:5]}"


@pytest.mark.parametrize("addon", ADDON_NAMES)
def test_zh_cn_keeps_placeholders(addon):
    po_path = REPO / "addons" / addon / "i18n" / "zh_CN.po"
    if not po_path.exists():
        pytest.fail(f"{addon} has no i18n/zh_CN.po")
    for entry in polib.pofile(str(po_path)):
        for placeholder in ("%s", "%d", "%(", "{"):
            if entry.msgstr and entry.msgid.count(placeholder) != entry.msgstr.count(placeholder):
                pytest.fail(f"{addon}: placeholder {placeholder!r} lost in {entry.msgid!r}")
