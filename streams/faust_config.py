"""How Settings configure Faust: the options of the worker's app, and its event loop.

One place, so that `bench.faust_baseline` runs its no-op agent exactly as the worker
runs its agents, and the bench's ratio compares the work and nothing else.
"""
import asyncio

from streams.sensors import monitor_class
from streams.settings import Settings


def app_options(settings: Settings) -> dict:
    """The keyword arguments of the worker's faust.App (its id aside)."""
    return dict(
        broker=settings.broker_url,
        store=settings.store,
        datadir=str(settings.data_dir),
        processing_guarantee=settings.processing_guarantee,
        broker_session_timeout=settings.session_timeout,
        broker_heartbeat_interval=min(3.0, settings.session_timeout / 3),
        producer_linger=settings.producer_linger,
        topic_partitions=settings.partitions,
        table_standby_replicas=settings.standby_replicas,
        Monitor=monitor_class(settings.sensors),
        web_host=settings.web_host,
        web_port=settings.web_port,
        # Keep Faust's own APP_*/BROKER_URL-style variables from overriding ours.
        env_prefix="DESKSTREAM_FAUST_",
        web_enabled=True,
        # Faust's own /table and /router pages would serve the tables (users' e-mails
        # included) to anyone, past the token our views ask for; deskstream needs neither.
        web_tables_enabled=False,
        web_router_enabled=False,
    )


def use_event_loop(settings: Settings) -> None:
    """Make asyncio create the loop `settings.event_loop` names (as Faust's `--loop` option
    does); call before the app is built."""
    if settings.event_loop == "uvloop":
        import uvloop

        asyncio.set_event_loop_policy(uvloop.EventLoopPolicy())
    else:
        asyncio.set_event_loop_policy(None)  # Python's own
