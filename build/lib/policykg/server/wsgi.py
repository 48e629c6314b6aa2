"""Running the app under gunicorn: `policykg serve`, or `gunicorn 'policykg.server.wsgi:create()'`.

gunicorn's gthread worker serves many requests at once per process; each web process has its own
pool of query worker processes (server.executor). gunicorn writes one access-log line per request
and stops gracefully on SIGTERM; the query workers are stopped with their web process.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from flask import Flask
from gunicorn.app.base import BaseApplication

from .app import create_app
from .config import ServerConfig
from .errors import GraphUnavailable
from .state import EXTENSION_KEY

log = logging.getLogger(__name__)

ACCESS_LOG_FORMAT = '%(h)s "%(r)s" %(s)s %(b)s %(M)sms "%(a)s"'


def create(config: ServerConfig | None = None) -> Flask:
    """WSGI application factory (configuration from POLICYKG_* variables by default)."""
    return create_app(config or ServerConfig.from_env())


def application(environ, start_response):
    """A module-level WSGI callable, created on first use (`gunicorn policykg.server.wsgi:application`)."""
    global _application
    if _application is None:
        _application = create()
    return _application(environ, start_response)


_application: Flask | None = None


class PolicyKGServer(BaseApplication):
    """gunicorn, configured from a ServerConfig instead of the command line."""

    def __init__(self, config: ServerConfig) -> None:
        self.server_config = config
        super().__init__()

    def load_config(self) -> None:
        config = self.server_config
        settings = {
            "bind": f"{config.host}:{config.port}",
            "workers": 1,
            "worker_class": "gthread",
            "threads": max(config.threads, config.workers * 2),
            "timeout": int(config.query_timeout) + 30,
            "graceful_timeout": 10,
            "accesslog": "-",
            "errorlog": "-",
            "access_log_format": ACCESS_LOG_FORMAT,
            "limit_request_line": 8190,
            "post_worker_init": _start_query_workers,
            "worker_exit": _stop_query_workers,
            "proc_name": "policykg-serve",
            # gunicorn >= 25.1: no shared control socket, so several servers can run side by side
            "control_socket_disable": True,
        }
        for key, value in settings.items():
            if key in self.cfg.settings:
                self.cfg.set(key, value)

    def load(self) -> Flask:
        return create_app(self.server_config)


def _server_state(worker):
    app = getattr(worker, "wsgi", None)
    return getattr(app, "extensions", {}).get(EXTENSION_KEY) if app is not None else None


def _start_query_workers(worker) -> None:
    """Load the graph into the query workers before the first request arrives."""
    state = _server_state(worker)
    if state is None:
        return
    try:
        state.executor.start()
    except GraphUnavailable as exc:
        log.warning("query workers not started: %s", exc)


def _stop_query_workers(server, worker) -> None:
    state = _server_state(worker)
    if state is not None:
        state.executor.close()


def serve(config: ServerConfig, ensure_built: Callable[[], None]) -> None:
    """Build the graph if it is missing, then serve it until SIGTERM/SIGINT."""
    ensure_built()
    log.info("serving %s on http://%s:%s/", config.data_dir, config.host, config.port)
    PolicyKGServer(config).run()
