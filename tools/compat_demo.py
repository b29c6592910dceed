"""Demo data of the compatibility run's databases (`./run test odoo-compat`, tools/odoo_compat.sh).

The suite side of that run is a database where Odoo's modules have their demo data (Odoo's own
tests need it) and the suite's addons have none: the chain's demo stores and warehouses would
change what Odoo's tests see (one warehouse more turns on Odoo's multi-warehouse options), and
the chain's demo is what the chain's own tests check.

Odoo 18 has no option for that. The demo flag belongs to the database's module record
(ir.module.module.demo), and `button_install` gives each module it marks the flag of its
dependencies, so a module installed on a database with demo data always gets demo data,
`--without-demo` or not. And the suite's addons cannot be installed after the Odoo module whose
tests run: Odoo runs a module's at_install tests when it installs the module, and only then (on a
database where a later module, e.g. sale, has added a required column, the at_install tests of an
earlier one, run again, create records without it). Hence, on a database with only base:

  mark   does what `-i MODULES` does before loading (`button_install`: the modules, the modules
         they need, the auto-installed ones), clears the demo flag of the marked modules that live
         in the suite's addons directory, and commits. `odoo-bin -i MODULES --without-demo all
         --test-enable` then installs the marked modules and runs their tests as `-i` does: Odoo's
         loader gives a module demo data when its flag and all its dependencies' flags are set,
         so the Odoo modules keep theirs and the suite's addons load none.
  check  after the installation: the database has demo data, the suite's addons (--addons) are
         installed without, and every other module has its demo data, unless Odoo could not load
         it (Odoo then installs the module without and records it in ir_demo_failure; e.g.
         point_of_sale's demo needs a chart of accounts, which Odoo may not have loaded yet) or a
         module it depends on has none. Prints what it found; exits non-zero when it is not so.
"""

import argparse
import os
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
            "--without-demo",
            "all",
        ]
    )
    odoo.modules.module.initialize_sys_path()
    return odoo


def in_directory(path, directory):
    path, directory = os.path.realpath(path), os.path.realpath(directory)
    return os.path.commonpath([path, directory]) == directory


def mark(args, odoo):
    from odoo.modules.module import get_module_path  # noqa: PLC0415

    names = [name for name in args.modules.split(",") if name]
    registry = odoo.modules.registry.Registry(args.db)
    with registry.cursor() as cr:
        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
        modules = env["ir.module.module"]
        modules.update_list()
        if not modules.search([("name", "=", "base")]).demo:
            sys.exit("the database has no demo data")
        chosen = modules.search([("name", "in", names)])
        missing = set(names) - set(chosen.mapped("name"))
        if missing:
            sys.exit(f"not in the module list: {', '.join(sorted(missing))}")
        if chosen.filtered(lambda m: m.state != "uninstalled"):
            sys.exit(f"already installed or marked: {', '.join(names)}")
        chosen.button_install()
        to_install = modules.search([("state", "=", "to install")])
        suite = to_install.filtered(
            lambda m: (path := get_module_path(m.name, display_warning=False))
            and in_directory(path, args.suite_dir)
        )
        suite.write({"demo": False})
        odoo_modules = to_install - suite
        if odoo_modules.filtered(lambda m: not m.demo):
            sys.exit("an Odoo module to install has no demo flag")
        cr.commit()
        print("marked to install with demo data:", ",".join(sorted(odoo_modules.mapped("name"))))
        print("marked to install without:", ",".join(sorted(suite.mapped("name"))) or "-")


def check(args, odoo):
    from odoo.modules.module import get_module_path  # noqa: PLC0415

    with odoo.sql_db.db_connect(args.db).cursor() as cr:
        cr.execute("SELECT id, name, demo FROM ir_module_module WHERE state = 'installed'")
        installed = {name: (module_id, demo) for module_id, name, demo in cr.fetchall()}
        cr.execute(
            "SELECT m.name, d.name FROM ir_module_module_dependency d"
            " JOIN ir_module_module m ON m.id = d.module_id WHERE m.state = 'installed'"
        )
        depends = {}
        for name, dependency in cr.fetchall():
            depends.setdefault(name, set()).add(dependency)
        cr.execute("SELECT DISTINCT module_id FROM ir_demo_failure")
        failed_ids = {module_id for (module_id,) in cr.fetchall()}
    suite = {
        name
        for name in installed
        if args.suite_dir
        and (path := get_module_path(name, display_warning=False))
        and in_directory(path, args.suite_dir)
    }
    problems = []
    if not installed.get("base", (None, False))[1]:
        problems.append("base has no demo data")
    names = [name for name in args.addons.split(",") if name]
    problems += [f"{name} is not installed" for name in names if name not in installed]
    problems += [f"{name} has demo data" for name in sorted(suite) if installed[name][1]]
    failed = sorted(name for name, (mid, _demo) in installed.items() if mid in failed_ids)
    inherited = sorted(
        name
        for name, (_id, demo) in installed.items()
        if not demo and name not in suite and name not in failed
    )
    for name in inherited:
        if all(installed.get(dependency, (None, True))[1] for dependency in depends.get(name, ())):
            problems.append(f"{name} has no demo data and nothing explains it")
    print(f"demo data: {sum(demo for _id, demo in installed.values())} modules with")
    print("  without (the suite's):", ",".join(sorted(suite)) or "-")
    print("  without (Odoo could not load it):", ",".join(failed) or "-")
    print("  without (a dependency has none):", ",".join(inherited) or "-")
    if problems:
        sys.exit("demo data not as intended: " + "; ".join(problems))


def main(argv=None):
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("action", choices=["mark", "check"])
    parser.add_argument("--db", required=True)
    parser.add_argument("--modules", default="", help="mark: the modules to install")
    parser.add_argument("--addons", default="", help="check: the suite's addons that must be there")
    parser.add_argument("--suite-dir", default="", help="the directory of the suite's addons")
    parser.add_argument("--odoo-root", required=True)
    parser.add_argument("--addons-path", required=True)
    parser.add_argument("--data-dir", required=True)
    parser.add_argument("--db-host", default="127.0.0.1")
    parser.add_argument("--db-port", type=int, default=5432)
    parser.add_argument("--db-user", default="odoo")
    args = parser.parse_args(argv)
    if args.action == "mark" and not (args.modules and args.suite_dir):
        parser.error("mark needs --modules and --suite-dir")
    odoo = load_odoo(args)
    {"mark": mark, "check": check}[args.action](args, odoo)


if __name__ == "__main__":
    main()
