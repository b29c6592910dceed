"""Keep each addon's i18n/zh_CN.po complete against the strings Odoo exports.

    python tools/i18n.py merge ADDON TEMPLATE.pot [EXTRA.po ...]

writes addons/ADDON/i18n/zh_CN.po with one entry per msgid of the template (occurrences and
comments as Odoo exports them), translated from the current zh_CN.po, then from the extra .po
files (translations written by hand for new strings); and

    python tools/i18n.py missing ADDON TEMPLATE.pot

lists the msgids still untranslated. Export a template with
`./run odoo -d DB --i18n-export /tmp/ADDON.pot --modules ADDON --stop-after-init` from a
database installed WITH demo data (the demo records' names are translated too, and a template
exported without them would drop their translations); `./run test` leaves such templates in
`.local/pot/`.
"""

import sys
from pathlib import Path

import polib

REPO = Path(__file__).resolve().parents[1]
HEADER = {
    "Project-Id-Version": "Odoo Server 18.0",
    "Language": "zh_CN",
    "MIME-Version": "1.0",
    "Content-Type": "text/plain; charset=UTF-8",
    "Content-Transfer-Encoding": "",
    "Plural-Forms": "nplurals=1; plural=0;",
}


def known_translations(paths):
    known = {}
    for path in paths:
        if Path(path).exists():
            for entry in polib.pofile(str(path)):
                if entry.msgstr.strip():
                    known.setdefault(entry.msgid, entry.msgstr)
    return known


def po_path(addon):
    return REPO / "addons" / addon / "i18n" / "zh_CN.po"


def merge(addon, template, extras):
    known = known_translations([po_path(addon), *extras])
    catalog = polib.POFile(wrapwidth=78)
    catalog.metadata = HEADER
    missing = []
    for entry in polib.pofile(str(template)):
        entry.msgstr = known.get(entry.msgid, "")
        if not entry.msgstr:
            missing.append(entry.msgid)
        catalog.append(entry)
    po_path(addon).parent.mkdir(exist_ok=True)
    catalog.save(str(po_path(addon)))
    return missing


def main(argv):
    command, addon, template, *extras = argv
    if command == "merge":
        missing = merge(addon, template, extras)
    else:
        known = known_translations([po_path(addon)])
        missing = [e.msgid for e in polib.pofile(template) if e.msgid not in known]
    for msgid in missing:
        print(repr(msgid))
    print(f"{len(missing)} untranslated", file=sys.stderr)
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
