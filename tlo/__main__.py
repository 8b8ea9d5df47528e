"""Command line: operations that run without a browser.

python -m tlo migrate               bring the database to the newest schema
python -m tlo seed-demo [--if-empty] load the demo data (and print the demo sign-ins)
python -m tlo create-admin --username NAME --email E --name "Full Name"
                                    create an administrator (password: TLO_ADMIN_PASSWORD,
                                    else asked twice)
python -m tlo check-db              exit 0 when the database is migrated to the newest schema
python -m tlo backup PATH           the database and the data folder's files in one archive
python -m tlo restore PATH [--force] put a backup back, checking every file's SHA-256
python -m tlo bench generate --scale S | bench run [--json F]
                                    the largest office, generated and measured (make bench)
python -m tlo import KIND FILE.xlsx [--dry-run]
                                    import legacy records (people, companies, disclosures,
                                    patents, agreements, income), all or nothing
python -m tlo revenue preview --income FILE.json [--policy FILE.toml]
                                    share one income under a policy and print the lines (JSON)
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from tlo import clock, db
from tlo.config import get_settings
from tlo.errors import ValidationError


def _migrate(_args) -> int:
    db.migrate()
    print(f"Database at revision {db.current_revision()}: {_safe_url()}")
    return 0


def _seed_demo(args) -> int:
    from tlo import demo  # loads every domain package: only the commands that need it pay

    if get_settings().production:
        print(f"seed-demo: {demo.PRODUCTION_REFUSAL}", file=sys.stderr)
        return 2
    db.migrate()
    with db.unit_of_work() as session:
        if args.if_empty and not demo.is_empty(session):
            print("The database already holds data; demo data not loaded.")
            loaded = False
        else:
            demo.seed(session)
            loaded = True
    if loaded or args.if_empty:
        print(demo.sign_in_help())
    return 0


def _create_admin(args) -> int:
    """The first administrator of a real office (or another one): person, account, admin role.

    The password comes from TLO_ADMIN_PASSWORD (for automation) or is asked twice, unechoed.
    """
    import getpass
    import os

    from tlo.auth import services as accounts
    from tlo.auth.passwords import check_password_strength
    from tlo.auth.permissions import system_actor
    from tlo.errors import DomainError

    db.migrate()
    password = os.environ.get("TLO_ADMIN_PASSWORD") or ""
    try:
        if not password:
            password = getpass.getpass(f"Password for {args.username}: ")
            check_password_strength(password)  # say so before asking again
            if getpass.getpass("The same password again: ") != password:
                raise ValidationError("The two passwords differ; nothing was created.")
        with db.unit_of_work() as session:
            accounts.create_administrator(
                session,
                actor=system_actor("create-admin"),
                username=args.username,
                email=args.email,
                full_name=args.name,
                password=password,
            )
    except EOFError:
        print(
            "create-admin: no password given: set TLO_ADMIN_PASSWORD or run it in a terminal.",
            file=sys.stderr,
        )
        return 2
    except DomainError as err:
        print(f"create-admin: {err}", file=sys.stderr)
        return 2
    print(f"Administrator {args.username.strip().lower()!r} created: {_safe_url()}")
    return 0


def _check_db(_args) -> int:
    current, head = db.current_revision(), db.head_revision()
    print(f"Database revision {current}; newest {head}.")
    return 0 if current == head else 1


def _backup(args) -> int:
    from tlo import backup

    return backup.backup_command(args.path)


def _restore(args) -> int:
    from tlo import backup

    return backup.restore_command(args.path, force=args.force)


def _deadlines(args) -> int:
    from tlo.patents.deadlines import deadlines_for, parse_events

    try:
        text = sys.stdin.read() if args.events == "-" else Path(args.events).read_text("utf-8")
        events = parse_events(json.loads(text))
    except (OSError, json.JSONDecodeError, ValidationError) as err:
        print(f"deadlines: {err}", file=sys.stderr)
        return 2
    json.dump([deadline.as_json() for deadline in deadlines_for(events)], sys.stdout, indent=2)
    print()
    return 0


def _remind_licensees(args) -> int:
    from tlo.licensing import dunning

    settings = get_settings()
    with db.unit_of_work() as session:
        found = dunning.send_reminders(
            session,
            today=clock.today(),
            every_days=settings.licensee_reminder_days,
            dry_run=args.dry_run,
        )
    for item in found:
        print(f"== {item.company} <{item.recipient[1]}>: {item.what}, due {item.due_on}")
    if not found:
        print("No licensee has anything overdue to be reminded of today.")
    elif args.dry_run:
        print("No e-mail queued (dry run).")
    else:
        print(f"Queued {len(found)} reminder(s); `python -m tlo send-mail` sends them.")
    return 0


def _remind(args) -> int:
    if args.licensees:
        return _remind_licensees(args)

    from tlo.patents import reminders

    settings = get_settings()
    horizon = args.horizon if args.horizon is not None else settings.reminder_horizon_days
    with db.unit_of_work() as session:
        found = reminders.collect(session, today=clock.today(), horizon_days=horizon)
    for reminder in found:
        print(f"== {reminder.recipient_name} <{reminder.recipient_email}>: {reminder.subject()}")
        print(reminder.body())
        print()
    if not found:
        print(f"Nothing overdue or due within {horizon} days.")
    if args.dry_run:
        print("No e-mail queued (dry run).")
        return 0
    with db.unit_of_work() as session:
        queued = reminders.queue_all(session, found)
    print(f"Queued {queued} e-mail(s) in the outbox; `python -m tlo send-mail` sends them.")
    return 0


def _send_mail(args) -> int:
    import time

    from tlo.notify import outbox

    settings = get_settings()
    if not settings.smtp_host:
        print("TLO_SMTP_HOST is not set: nothing sent.")
        return 0
    while True:
        with db.unit_of_work() as session:
            if args.digest:
                outbox.build_digests(session)
            sent, failed = outbox.send_due(session, settings)
        print(f"Sent {sent}, failed {failed} (retried later with backoff).")
        if not args.loop:
            return 0
        time.sleep(args.interval)


def _revenue_preview(args) -> int:
    from tlo.revenue.cli import preview

    return preview(policy_path=args.policy, income_path=args.income)


def _royalty_due(args) -> int:
    from tlo.licensing.royalty_cli import due

    return due(terms_path=args.terms, report_path=args.report)


def _import(args) -> int:
    from tlo.auth.permissions import system_actor
    from tlo.reports import importer

    try:
        content = Path(args.file).read_bytes()
    except OSError as err:
        print(f"import: {err}", file=sys.stderr)
        return 2
    actor = system_actor("import")
    use_case = importer.check_file if args.dry_run else importer.import_file
    try:
        with db.unit_of_work() as session:
            report = use_case(session, actor=actor, kind=args.kind, content=content)
    except importer.ImportRefused as refusal:
        report = refusal.report
    except ValidationError as err:
        print(f"import: {err}", file=sys.stderr)
        return 2
    for problem in report.problems:
        where = f"row {problem.row}" + (f", {problem.column}" if problem.column else "")
        print(f"{where}: {problem.message}", file=sys.stderr)
    if report.problems:
        print(f"{len(report.problems)} problem(s) in {report.rows_read} rows; nothing imported.")
        return 1
    if args.dry_run:
        print(f"{report.rows_read} rows checked, no problems (dry run: nothing imported).")
    else:
        print(f"{report.created} {args.kind} record(s) imported from {args.file}.")
    return 0


def _bench(args) -> int:
    from tlo.bench.__main__ import main as bench_main

    return bench_main(args.bench_args)


def _safe_url() -> str:
    """The database URL without its password, for printing."""
    from sqlalchemy.engine import make_url

    return make_url(get_settings().database_url).render_as_string(hide_password=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tlo", description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("migrate", help="apply database migrations").set_defaults(run=_migrate)
    seed = commands.add_parser("seed-demo", help="load the demo data")
    seed.add_argument("--if-empty", action="store_true", help="only into an empty database")
    seed.set_defaults(run=_seed_demo)
    admin = commands.add_parser("create-admin", help="create an administrator's account")
    admin.add_argument("--username", required=True, help="the name to sign in with")
    admin.add_argument("--email", required=True, help="the person's e-mail (single sign-on too)")
    admin.add_argument("--name", required=True, help='the full name, e.g. "Adam Kowalski"')
    admin.set_defaults(run=_create_admin)
    commands.add_parser("check-db", help="is the schema up to date?").set_defaults(run=_check_db)
    backup = commands.add_parser("backup", help="back up the database and the data folder")
    backup.add_argument("path", help="the archive to write (.tar or .tar.gz), or a folder")
    backup.set_defaults(run=_backup)
    restore = commands.add_parser("restore", help="restore a backup made by `backup`")
    restore.add_argument("path", help="the archive to restore")
    restore.add_argument("--force", action="store_true", help="replace a database holding data")
    restore.set_defaults(run=_restore)
    deadlines = commands.add_parser("deadlines", help="compute deadlines from events (JSON)")
    deadlines.add_argument("--events", required=True, help="JSON file of events, or - for stdin")
    deadlines.set_defaults(run=_deadlines)
    remind = commands.add_parser("remind", help="remind officers of their deadlines")
    remind.add_argument("--horizon", type=int, default=None, help="days ahead (default: setting)")
    remind.add_argument("--dry-run", action="store_true", help="list, but send no e-mail")
    remind.add_argument(
        "--licensees",
        action="store_true",
        help="remind licensees of overdue invoices and reports instead",
    )
    remind.set_defaults(run=_remind)
    send_mail = commands.add_parser("send-mail", help="send the outbox's due messages")
    send_mail.add_argument("--loop", action="store_true", help="keep running (a worker)")
    send_mail.add_argument("--interval", type=int, default=60, help="seconds between rounds")
    send_mail.add_argument("--digest", action="store_true", help="also send weekly digests")
    send_mail.set_defaults(run=_send_mail)
    revenue = commands.add_parser("revenue", help="revenue sharing, no database needed")
    revenue_commands = revenue.add_subparsers(dest="revenue_command", required=True)
    preview = revenue_commands.add_parser("preview", help="share one income under a policy")
    preview.add_argument("--income", required=True, help="JSON file of the income, or - for stdin")
    preview.add_argument(
        "--policy", help="policy TOML file (default: the one in force when received)"
    )
    preview.set_defaults(run=_revenue_preview)
    royalty = commands.add_parser("royalty", help="what a royalty report owes, no database needed")
    royalty_commands = royalty.add_subparsers(dest="royalty_command", required=True)
    due = royalty_commands.add_parser("due", help="what one report owes under the terms (JSON)")
    due.add_argument("--terms", required=True, help="JSON file of the agreement's terms")
    due.add_argument("--report", required=True, help="JSON file of the report, or - for stdin")
    due.set_defaults(run=_royalty_due)
    imports = commands.add_parser("import", help="import legacy records from Excel")
    imports.add_argument("kind", help="people, companies, disclosures, patents, agreements, income")
    imports.add_argument("file", help="the filled-in template (.xlsx)")
    imports.add_argument("--dry-run", action="store_true", help="check every row, write nothing")
    imports.set_defaults(run=_import)
    bench = commands.add_parser(
        "bench", help="generate the largest office, measure it (python -m tlo bench -h)"
    )
    bench.add_argument("bench_args", nargs=argparse.REMAINDER, help="generate ... | run ...")
    bench.set_defaults(run=_bench)
    args = parser.parse_args(argv)
    return args.run(args)


if __name__ == "__main__":
    sys.exit(main())
