"""The `communa` command: demo, serve, worker, migrate, createadmin, check, manage."""

from __future__ import annotations

import argparse
import getpass
import os
import signal
import subprocess
import sys
import time
from collections.abc import Sequence
from typing import Any

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8000


def _setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "communa.settings")
    import django

    django.setup()


def cmd_migrate(args: argparse.Namespace) -> int:
    _setup_django()
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=args.verbosity)
    return 0


def cmd_check(args: argparse.Namespace) -> int:
    """System checks, database reachability and pending migrations."""
    _setup_django()
    from django.core.management import call_command
    from django.core.management.base import SystemCheckError
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    from communa.core.selectors import database_health

    try:
        call_command("check", deploy=args.deploy)
    except SystemCheckError as exc:
        print(exc, file=sys.stderr)
        return 1
    database = database_health()
    if not database["ok"]:
        print(f"Database: NOT reachable ({database.get('error')})", file=sys.stderr)
        return 1
    executor = MigrationExecutor(connection)
    pending = executor.migration_plan(executor.loader.graph.leaf_nodes())
    print(f"Database: {database['vendor']}, reachable; pending migrations: {len(pending)}")
    dependencies_ok = _print_dependencies()
    return 1 if pending or not dependencies_ok else 0


def _print_dependencies() -> bool:
    """Redis, the task queue and upload storage as /api/health/dependencies sees them."""
    from communa.core.selectors import health_report

    serving, report = health_report(deep=True)
    redis, tasks, storage = report["redis"], report["tasks"], report["storage"]

    def state(part: dict[str, Any], good: str) -> str:
        if part["ok"] is None:
            return "not checked"
        return good if part["ok"] else f"NOT {good} ({part.get('error')})"

    if redis["configured"]:
        print(f"Redis: {state(redis, 'reachable')}")
    queue = f"Task queue: {tasks['backend']}, {state(tasks, 'reachable')}"
    if tasks["queued"] is not None:
        queue += f"; waiting: {tasks['queued']}"
    if tasks["workers"] is not None:
        queue += f"; RQ workers: {tasks['workers']}"
    print(queue)
    print(f"Upload storage: {storage['backend']}, {state(storage, 'writable')}")
    return bool(serving and storage["ok"] is not False)


def cmd_createadmin(args: argparse.Namespace) -> int:
    """Create an operator account for /admin/."""
    _setup_django()
    from communa.accounts.actions import create_admin
    from communa.core.errors import DomainError

    password = args.password or os.environ.get("COMMUNA_ADMIN_PASSWORD", "")
    if not password:
        if not sys.stdin.isatty():
            print(
                "Give --password or COMMUNA_ADMIN_PASSWORD when not on a terminal.", file=sys.stderr
            )
            return 2
        password = getpass.getpass("Password: ")
        if password != getpass.getpass("Password again: "):
            print("The two passwords differ.", file=sys.stderr)
            return 2
    try:
        user = create_admin(username=args.username, email=args.email, password=password)
    except DomainError as exc:
        for field, reasons in exc.fields.items():
            for reason in reasons:
                print(f"{field}: {reason}", file=sys.stderr)
        return 2
    print(f"Created operator account {user.username}.")
    return 0


def cmd_worker(args: argparse.Namespace) -> int:
    """Run background tasks until stopped."""
    _setup_django()
    from communa.core.worker import run_worker

    run_worker(
        queue_name=args.queue,
        interval=args.interval,
        batch=args.batch,
        max_tasks=args.max_tasks,
        verbosity=args.verbosity,
    )
    return 0


def _gunicorn_argv(bind: str, workers: int, *, access_log: bool) -> list[str]:
    argv = [
        sys.executable,
        "-m",
        "gunicorn",
        "communa.wsgi:application",
        "--bind",
        bind,
        "--workers",
        str(workers),
        "--timeout",
        "60",
        "--graceful-timeout",
        "10",
    ]
    if access_log:
        argv += ["--access-logfile", "-"]
    return argv


def cmd_serve(args: argparse.Namespace) -> int:
    """Serve the web app and the API with gunicorn; settings come from the environment."""
    # Production writes impressions off the request path; the worker flushes them (ADR 0008).
    os.environ.setdefault("COMMUNA_IMPRESSIONS_MODE", "buffered")
    _setup_django()
    from django.core.management import call_command

    if args.migrate:
        call_command("migrate", interactive=False, verbosity=0)
    if not args.skip_collectstatic:
        call_command("collectstatic", interactive=False, verbosity=0)
    argv = _gunicorn_argv(args.bind, args.workers, access_log=not args.quiet)
    os.execv(sys.executable, argv)
    return 0  # pragma: no cover - execv does not return


def _wait_for_http(url: str, deadline: float, processes: Sequence[subprocess.Popen[Any]]) -> bool:
    import urllib.request

    while time.monotonic() < deadline:
        if any(p.poll() is not None for p in processes):
            return False
        try:
            with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310 - our own loopback URL
                if response.status < 500:
                    return True
        except OSError:
            time.sleep(0.3)
    return False


def _demo_allowed_hosts(host: str) -> str:
    """The demo answers on loopback names and on the address it listens on (any, for 0.0.0.0)."""
    if host in {"0.0.0.0", "::", ""}:  # noqa: S104 - the person asked to listen everywhere
        return "*"
    return ",".join(dict.fromkeys(["127.0.0.1", "localhost", "[::1]", host.strip("[]")]))


def _count_loaded_activity() -> None:
    """Buffered views of an earlier run are written, and the statistics show the loaded
    activity at once (the worker rolls up what comes next)."""
    from django.core.management import call_command

    call_command("flush_impressions", verbosity=0)
    call_command("roll_up", no_settle=True, verbosity=0)


def cmd_demo(args: argparse.Namespace) -> int:
    """Migrate, load demo data, start a worker and the web server; Ctrl-C stops everything.

    The demo runs as production does: debug off, static files collected into the var directory
    and served by WhiteNoise, the site's own error pages.
    """
    os.environ.setdefault("COMMUNA_ALLOWED_HOSTS", _demo_allowed_hosts(args.host))
    _setup_django()
    from django.conf import settings
    from django.core.management import call_command

    from communa.demo import load_demo

    print(f"Database: {settings.DATABASES['default']['NAME']}")
    call_command("migrate", interactive=False, verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)
    print("Loading demo data (kept between runs)...")
    ctx = load_demo()
    # The loader wrote its impressions directly; the demo's server buffers them like production
    # and its worker flushes them (ADR 0008). Views left in the buffer by an earlier run count now.
    os.environ.setdefault("COMMUNA_IMPRESSIONS_MODE", "buffered")
    _count_loaded_activity()
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    worker = subprocess.Popen(
        [sys.executable, "-m", "communa", "worker", "--verbosity", "0"], env=env
    )
    bind = f"{args.host}:{args.port}"
    server = subprocess.Popen(_gunicorn_argv(bind, args.workers, access_log=False), env=env)
    processes = [server, worker]

    def stop(signum: int, frame: Any) -> None:
        raise KeyboardInterrupt

    # Also for SIGINT: a shell that starts us in the background hands SIGINT down as ignored.
    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    url = f"http://{args.host}:{args.port}/"
    try:
        if not _wait_for_http(url + "api/health", time.monotonic() + 60, processes):
            print("The demo did not start; see the messages above.", file=sys.stderr)
            return 1
        print()
        print(f"Communa demo is running at {url}")
        print(f"API documentation: {url}api/docs   Admin: {url}admin/")
        print("Demo logins:")
        width = max(len(login.username) for login in ctx.logins)
        for login in ctx.logins:
            print(f"  {login.username:<{width}}  password: {login.password:<18} {login.role}")
        print("Press Ctrl-C to stop.", flush=True)
        parent = os.getppid()
        while all(p.poll() is None for p in processes):
            if os.getppid() != parent:
                # Whoever started us (make, a terminal) is gone: do not leave servers behind.
                raise KeyboardInterrupt  # noqa: TRY301 - same clean-up as Ctrl-C
            time.sleep(0.5)
        print("A demo process stopped; shutting down.", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("\nStopping the demo...", flush=True)
        return 0
    finally:
        for process in processes:
            if process.poll() is None:
                process.terminate()
        for process in processes:
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def cmd_manage(args: argparse.Namespace) -> int:
    """Run any Django management command (makemigrations, shell, ...)."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "communa.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["communa manage", *args.rest])
    return 0


def _management_verb(command: str) -> Any:
    """A verb that runs one management command with the rest of the line (its own --help)."""

    def run(args: argparse.Namespace) -> int:
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "communa.settings")
        from django.core.management import execute_from_command_line

        execute_from_command_line(["communa", command, *args.rest])
        return 0

    return run


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="communa",
        description="Communa: communities and their marketing workbench, on your own server.",
        epilog="Settings come from COMMUNA_* environment variables; see docs/operations.md.",
    )
    verbs = parser.add_subparsers(dest="verb", required=True, metavar="VERB")

    demo = verbs.add_parser(
        "demo",
        help="run a demo instance with realistic data",
        description="Migrate, load demo data (kept between runs), start a worker "
        "and the web server, and print the demo logins. Ctrl-C stops all.",
    )
    demo.add_argument("--host", default=os.environ.get("COMMUNA_HOST", DEFAULT_HOST))
    demo.add_argument("--port", type=int, default=int(os.environ.get("COMMUNA_PORT", DEFAULT_PORT)))
    demo.add_argument("--workers", type=int, default=2, help="web server processes (default: 2)")
    demo.set_defaults(func=cmd_demo)

    serve = verbs.add_parser(
        "serve",
        help="run the production web server (gunicorn)",
        description="Serve the web app and API with gunicorn, configured from "
        "the environment (COMMUNA_DATABASE_URL, COMMUNA_SECRET_KEY, ...).",
    )
    serve.add_argument(
        "--bind",
        default=os.environ.get("COMMUNA_BIND", f"{DEFAULT_HOST}:{DEFAULT_PORT}"),
        help="address:port to listen on (default: %(default)s, or COMMUNA_BIND)",
    )
    serve.add_argument(
        "--workers",
        type=int,
        default=int(os.environ.get("COMMUNA_WEB_WORKERS", "2")),
        help="web server processes (default: %(default)s, or COMMUNA_WEB_WORKERS)",
    )
    serve.add_argument("--migrate", action="store_true", help="apply migrations before serving")
    serve.add_argument(
        "--skip-collectstatic", action="store_true", help="do not collect static files first"
    )
    serve.add_argument("--quiet", action="store_true", help="no access log")
    serve.set_defaults(func=cmd_serve)

    worker = verbs.add_parser(
        "worker",
        help="run background tasks",
        description="Run queued background tasks until stopped. SIGINT or SIGTERM "
        "let the current task finish first.",
    )
    worker.add_argument(
        "--queue", default="default", help="queue names, comma-separated, or * for all"
    )
    worker.add_argument(
        "--interval", type=float, default=1.0, help="seconds between polls when idle"
    )
    worker.add_argument("--batch", action="store_true", help="run what is queued, then exit")
    worker.add_argument("--max-tasks", type=int, default=None, help="exit after this many tasks")
    worker.add_argument("--verbosity", type=int, default=1, choices=[0, 1, 2, 3])
    worker.set_defaults(func=cmd_worker)

    migrate = verbs.add_parser(
        "migrate",
        help="apply database migrations",
        description="Create or update the database tables.",
    )
    migrate.add_argument("--verbosity", type=int, default=1, choices=[0, 1, 2, 3])
    migrate.set_defaults(func=cmd_migrate)

    admin = verbs.add_parser(
        "createadmin",
        help="create an operator account for /admin/",
        description="Create a superuser. The password comes from --password, "
        "COMMUNA_ADMIN_PASSWORD, or a prompt.",
    )
    admin.add_argument("--username", required=True)
    admin.add_argument("--email", required=True)
    admin.add_argument("--password", default="")
    admin.set_defaults(func=cmd_createadmin)

    check = verbs.add_parser(
        "check",
        help="check the configuration and the database",
        description="Run Django's system checks, reach the database and report "
        "pending migrations. Exits non-zero on any problem.",
    )
    check.add_argument(
        "--deploy", action="store_true", help="also run the production deployment checks"
    )
    check.set_defaults(func=cmd_check)

    for verb, command, summary in (
        (
            "import-posts",
            "import_posts",
            "import another page's posts as a watched page (benchmarks)",
        ),
        (
            "import-activity",
            "import_activity",
            "import reaction events of a sample (best time to post)",
        ),
    ):
        imported = verbs.add_parser(
            verb,
            help=summary,
            description=f"{summary[0].upper()}{summary[1:]}: `communa {verb} --help` lists "
            "the options (see docs/metrics.md).",
            add_help=False,
        )
        imported.add_argument("rest", nargs=argparse.REMAINDER)
        imported.set_defaults(func=_management_verb(command))

    manage = verbs.add_parser(
        "manage",
        help="run a Django management command",
        description="Pass the rest of the line to Django's manage.py.",
    )
    manage.add_argument("rest", nargs=argparse.REMAINDER)
    manage.set_defaults(func=cmd_manage)
    return parser


IMPORT_VERBS = {"import-posts": "import_posts", "import-activity": "import_activity"}


def main(argv: Sequence[str] | None = None) -> None:
    line = list(sys.argv[1:] if argv is None else argv)
    if line and line[0] in IMPORT_VERBS:
        # Everything after the verb belongs to the command (argparse would take its --help).
        sys.exit(_management_verb(IMPORT_VERBS[line[0]])(argparse.Namespace(rest=line[1:])))
    args = build_parser().parse_args(line)
    sys.exit(args.func(args))


if __name__ == "__main__":
    main()
