"""`inyeon serve`: the web server (gunicorn on 127.0.0.1:8000) and the task worker, together."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser

DEMO_LOGINS = ("admin", "manager", "rep1", "rep2", "marketer", "agent", "analyst", "viewer")


class Command(BaseCommand):
    help = "Run the web server and the background task worker until interrupted."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--bind", default=os.environ.get("INYEON_BIND", "127.0.0.1:8000"))
        parser.add_argument("--workers", type=int, default=int(os.environ.get("INYEON_WEB_WORKERS", "2")))
        parser.add_argument(
            "--no-worker", action="store_true", help="Do not start the task worker and the scheduler."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        call_command("collectstatic", interactive=False, verbosity=0)
        env = {**os.environ, "DJANGO_SETTINGS_MODULE": "inyeon.settings"}
        bin_dir = os.path.dirname(sys.executable)
        web = subprocess.Popen(  # noqa: S603
            [
                os.path.join(bin_dir, "gunicorn"),
                "inyeon.wsgi:application",
                "--bind",
                options["bind"],
                "--workers",
                str(options["workers"]),
                "--access-logfile",
                "-",
                "--timeout",
                "60",
            ],
            env=env,
        )
        procs = [web]
        if not options["no_worker"]:
            procs.append(subprocess.Popen([sys.executable, "-m", "inyeon", "db_worker"], env=env))
            procs.append(subprocess.Popen([sys.executable, "-m", "inyeon", "scheduler"], env=env))
        url = f"http://{options['bind']}/"
        self.stdout.write(self.style.SUCCESS(f"\nInyeon (인연) is running at {url}"))
        self.stdout.write(f"Database: {settings.DATABASES['default']['ENGINE'].rsplit('.', 1)[-1]}")
        demo_password = os.environ.get("INYEON_DEMO_PASSWORD", "inyeon-demo")
        self.stdout.write(f"Demo logins (password: {demo_password}): {', '.join(DEMO_LOGINS)}")
        self.stdout.write("Press Ctrl+C to stop.\n")

        def stop(signum: int, frame: object) -> None:
            for proc in procs:
                if proc.poll() is None:
                    proc.terminate()

        signal.signal(signal.SIGTERM, stop)
        try:
            while all(proc.poll() is None for proc in procs):
                time.sleep(0.5)
        except KeyboardInterrupt:
            pass
        finally:
            stop(signal.SIGTERM, None)
            for proc in procs:
                try:
                    proc.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    proc.kill()
