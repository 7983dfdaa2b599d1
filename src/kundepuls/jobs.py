"""The job runner and the schedule: durable background jobs with Huey.

Why Huey: it is small, well kept (since 2011, regular releases), and it runs the same task
code on an embedded SQLite queue (``SqliteHuey``: a file next to the store, no server —
the default) and on Redis (``RedisHuey``) when ``KUNDEPULS_BROKER_URL`` is ``redis://…``.
Its queue survives a restart, and it has a periodic scheduler built in, which is all that
kundepuls needs. (Dramatiq needs a broker process even for the embedded case; Celery is
far heavier.)

Jobs run at most once per logical event because they do not trust the queue for that:
every job scans the store, where a unique ``trigger_key`` per event and a lease per
outgoing email decide, so a job that is delivered twice or lost changes nothing.

``kundepuls jobs run`` is the worker; ``kundepuls serve`` runs the same worker in a
thread of the web process for the embedded default (``--worker/--no-worker``).
"""

from collections.abc import Callable
from functools import lru_cache, partial
from pathlib import Path
from typing import Annotated, Any

import typer
from huey import Huey, RedisHuey, SqliteHuey, crontab
from huey.consumer import Consumer
from sqlalchemy.engine import make_url

from kundepuls.config import Settings, get_settings
from kundepuls.kit.errors import UsageError


def schedule(lease_seconds: float = 120) -> dict[str, tuple[Callable[[], object], dict[str, str]]]:
    """The periodic jobs every worker runs: name → (job, how often, as crontab fields).

    Each job opens its own session and is safe to run twice.
    """
    # Imported here so that the command line starts without the statistics stack.
    from kundepuls.alerts import tasks as alert_tasks
    from kundepuls.cases import tasks as case_tasks
    from kundepuls.predict import tasks as predict_tasks
    from kundepuls.reports import tasks as report_tasks
    from kundepuls.surveys import tasks as survey_tasks
    from kundepuls.text import tasks as text_tasks

    return {
        "surveys.scan_triggers": (survey_tasks.scan_triggers, {"minute": "*"}),
        "surveys.send_outbox": (partial(survey_tasks.send_outbox, lease_seconds), {"minute": "*"}),
        "text.analyze_new_comments": (text_tasks.analyze_new_comments, {"minute": "*"}),
        "cases.open_cases": (case_tasks.open_cases, {"minute": "*/5"}),
        "cases.deliver_case_events": (case_tasks.deliver_case_events, {"minute": "*"}),
        "cases.alert_overdue_cases": (case_tasks.alert_overdue_cases, {"minute": "0"}),
        "alerts.evaluate_rules": (alert_tasks.evaluate_rules, {"minute": "*/5"}),
        "alerts.deliver_alerts": (alert_tasks.deliver_alerts, {"minute": "*"}),
        # Hourly; the job itself sends each week once, from Monday 07:00 local time.
        "reports.send_weekly_summaries": (report_tasks.send_weekly_summaries, {"minute": "5"}),
        # Nightly (03:30 UTC), after the day's imports; /customers can also run it on demand.
        "predict.refresh_predictions": (
            predict_tasks.refresh_predictions,
            {"minute": "30", "hour": "3"},
        ),
    }


def queue_path(settings: Settings) -> Path:
    """The embedded queue's file: beside the SQLite store, else in the working directory."""
    url = make_url(settings.database_url)
    if url.get_backend_name() == "sqlite" and url.database and url.database != ":memory:":
        store = Path(url.database)
        return store.with_name(store.name + ".jobs")
    return Path("kundepuls-jobs.db")


def make_huey(settings: Settings, name: str = "kundepuls") -> Huey:
    """A Huey on the configured broker, with the schedule registered."""
    broker = settings.broker_url
    if broker and broker.startswith(("redis://", "rediss://", "unix://")):
        huey: Huey = RedisHuey(name, url=broker, utc=True)
    elif broker:
        raise UsageError(
            f"KUNDEPULS_BROKER_URL: unsupported broker {broker.split(':')[0]!r} "
            "(use redis://…, or leave it unset for the embedded queue)"
        )
    else:
        huey = SqliteHuey(name, filename=str(queue_path(settings)), utc=True)
    for name, (job, when) in schedule().items():
        huey.periodic_task(crontab(**when), name=name)(job)
    return huey


@lru_cache
def get_huey() -> Huey:
    return make_huey(get_settings())


def run_once(lease_seconds: float = 120) -> dict[str, str]:
    """Run every scheduled job once, in order, in this process (for cron and tests)."""
    return {name: str(job()) for name, (job, _when) in schedule(lease_seconds).items()}


def run_worker(workers: int = 1) -> None:
    """Run the worker in the foreground until interrupted (Ctrl-C stops it gracefully)."""
    consumer = get_huey().create_consumer(workers=workers, worker_type="thread", periodic=True)
    consumer.run()


class BackgroundWorker:
    """The worker in threads of another process (the web server), started and stopped by it.

    Huey's ``Consumer.start`` installs signal handlers, which only the main thread may do and
    which would take over the server's; so this starts the scheduler and workers directly.
    """

    def __init__(self, huey: Huey | None = None, workers: int = 1) -> None:
        self.consumer: Any = Consumer(huey or get_huey(), workers=workers, worker_type="thread")

    def start(self) -> None:
        self.consumer.scheduler.start()
        for _worker, thread in self.consumer.worker_threads:
            thread.start()

    def stop(self) -> None:
        self.consumer.stop(graceful=True)


jobs_app = typer.Typer(help="Background jobs: survey triggers and the email outbox.")


@jobs_app.command("run")
def run_command(
    once: Annotated[bool, typer.Option(help="Run each job once and exit (for cron).")] = False,
    workers: Annotated[int, typer.Option(min=1, max=16, help="Worker threads.")] = 1,
    lease: Annotated[float, typer.Option(help="Seconds an email send may hold its lease.")] = 120,
) -> None:
    """Run the worker: scan triggers and send due emails, every minute."""
    if once:
        for name, result in run_once(lease_seconds=lease).items():
            typer.echo(f"{name}: {result}")
        return
    typer.echo("worker running (Ctrl-C to stop)")
    run_worker(workers)
