"""Back up or restore a chain's database together with its filestore.

Uses Odoo's own dump/restore (the same zip the database manager makes: dump.sql, filestore/,
manifest.json), so an archive made here restores in the database manager, and vice versa.
Called by `./run backup` and `./run restore`.
"""

import argparse
import sys


def load_odoo(args):
    sys.path.insert(0, args.odoo_root)
    import odoo  # noqa: PLC0415  (Odoo lives outside the project, at ODOO_ROOT)

    odoo.tools.config.parse_config(
        [
            "--addons-path",
            args.addons_path,
            "--data-dir",
            args.data_dir,
            "--db_host",
            args.db_host,
            "--db_port",
            str(args.db_port),
            "--db_user",
            args.db_user,
        ]
    )
    return odoo


def backup(args):
    load_odoo(args)
    from odoo.service import db  # noqa: PLC0415

    with open(args.out, "wb") as stream:
        db.dump_db(args.db, stream, "zip")


def restore(args):
    load_odoo(args)
    from odoo.service import db  # noqa: PLC0415

    if args.db in db.list_dbs(force=True):
        db.exp_drop(args.db)
    db.restore_db(args.db, args.archive, copy=False)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("action", choices=["backup", "restore"])
    parser.add_argument("--db", required=True)
    parser.add_argument("--out", help="archive to write (backup)")
    parser.add_argument("--archive", help="archive to read (restore)")
    parser.add_argument("--odoo-root", required=True)
    parser.add_argument("--addons-path", required=True)
    parser.add_argument("--data-dir", required=True)
    parser.add_argument("--db-host", default="127.0.0.1")
    parser.add_argument("--db-port", type=int, default=5432)
    parser.add_argument("--db-user", default="odoo")
    args = parser.parse_args(argv)
    if args.action == "backup":
        if not args.out:
            parser.error("backup needs --out")
        backup(args)
    else:
        if not args.archive:
            parser.error("restore needs --archive")
        restore(args)


if __name__ == "__main__":
    main()
