"""textual-serve's Server, made safe for the public: counted, bounded sessions, one process each.

Each WebSocket runs `python -m izle` in citizen mode (never operator, never kiosk: the kiosk's
admin screen is not for the web) under the name `web:<keyed hash of the client address>`, the
name the access log uses too: no log holds a client's address.
A handshake from another site's page is refused; one that cannot get a slot gets the busy page;
neither starts a process. What the page sends is read through `bounds` (terminal size, message
size and kind, keys per second). A session ends when the person logs out (the process exits),
when its socket closes or goes silent (no pong to the heartbeat) and when nobody types for the
idle time: then the process gets SIGTERM, which İzlə audits, and SIGKILL if it has not gone
within a few seconds. The page's terminal is reset as its socket closes, so what the person saw
does not stay in the tab.
"""

from __future__ import annotations

import asyncio
import ipaddress
import logging
import signal
import socket
import sys
from collections.abc import Callable
from pathlib import Path

import aiohttp_jinja2
from aiohttp import WSCloseCode, WSMsgType, web
from aiohttp.abc import AbstractAccessLogger
from textual_serve.server import Server

from izle.tui.web.bounds import (
    MAX_MESSAGE_BYTES, BrowserMessage, IdleDeadline, StdinBudget, bounded, read_message,
    terminal_size,
)
from izle.tui.web.endings import close_code, page_sentences
from izle.tui.web.limits import SessionLimits, client_address
from izle.tui.web.origin import origin_allowed
from izle.tui.web.pages import (
    FOREIGN_PAGE, busy_page, preferred_language, start_page_words,
)
from izle.tui.web.session_process import SessionProcess
from izle.data.clock import Clock, SystemClock
from izle.data.i18n import translate

log = logging.getLogger("izle.serve")

HEARTBEAT = 10.0     # seconds between WebSocket pings; a socket without a pong is closed
# xterm's full reset (RIS): the screen and its buffer emptied, sent before a session's socket
# closes.
TERMINAL_RESET = b"\x1bc"
EXIT_WAIT = 2.0      # seconds a run that is ending is given to exit, so its page is told why
SOCKET_ENDED = frozenset({WSMsgType.CLOSE, WSMsgType.CLOSING, WSMsgType.CLOSED, WSMsgType.ERROR})
# How the access log names a request's client: the audit's `web:` tag.
CLIENT_TAG = web.AppKey("client_tag", Callable[[web.Request], str])


class IzleServer(Server):
    """Serves İzlə's citizen flow; `session_argv(terminal)` is the command of one session."""

    def __init__(self, *, session_argv: Callable[[str], list[str]],
                 terminal_name: Callable[[str], str],
                 limits: SessionLimits, lang: str, listening: socket.socket,
                 public_url: str | None, idle: float, idle_prompt: float,
                 clock: Clock | None = None) -> None:
        host, port = listening.getsockname()[:2]
        super().__init__("izle", host=host, port=port, title="İzlə", public_url=public_url,
                         templates_path=Path(__file__).parent)
        self.listening = listening
        self.given_public_url = public_url
        self.session_argv = session_argv
        self.terminal_name = terminal_name
        self.limits = limits
        self.lang = lang
        self.idle, self.idle_prompt = idle, idle_prompt
        self.clock = clock or SystemClock()  # the idle deadlines' and the keys' budget's
        self.processes: dict[int, SessionProcess] = {}

    # --- the server's life: on the socket the CLI bound, logging without addresses ----------

    def serve(self, debug: bool = False) -> None:
        handler = logging.StreamHandler()
        handler.addFilter(AddressesAsTags(self.terminal_name))
        logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s",
                            handlers=[handler])
        loop = asyncio.new_event_loop()
        asyncio.set_event_loop(loop)
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, self.request_exit)
        web.run_app(self._make_app(), sock=self.listening, handle_signals=False, loop=loop,
                    print=None, access_log_class=ClientTagAccessLogger)

    async def _make_app(self) -> web.Application:
        app = await super()._make_app()
        app[CLIENT_TAG] = lambda request: self.terminal_name(self._client(request))
        return app

    async def on_startup(self, app: web.Application) -> None:
        log.info("İzlə: %s", self.public_url)

    async def on_shutdown(self, app: web.Application) -> None:
        """The server stops: so do the sessions' processes, none left behind."""
        await asyncio.gather(*(p.stop() for p in list(self.processes.values())))

    # --- the pages -------------------------------------------------------------------------

    def _client(self, request: web.Request) -> str:
        return client_address(request.remote, request.headers)

    def _language(self, request: web.Request) -> str:
        return preferred_language(request.headers.get("Accept-Language"), self.lang)

    def _busy(self, request: web.Request, reason: str) -> web.Response:
        return web.Response(status=503, text=busy_page(self._language(request), reason),
                            content_type="text/html", headers={"Retry-After": "60"})

    async def handle_index(self, request: web.Request) -> web.StreamResponse:
        # Advisory: the slot itself is taken when the page's WebSocket connects.
        if reason := self.limits.refusal(self._client(request)):
            return self._busy(request, reason)
        # Without --public-url, the address the browser used (textual-serve would write the bind
        # address, useless to a browser elsewhere when listening on 0.0.0.0).
        base = (self.given_public_url or f"{request.scheme}://{request.host}").rstrip("/")
        scheme, rest = base.split(":", 1)
        context = {
            "font_size": bounded(request.query.get("fontsize"), 6, 64, 16),
            "app_websocket_url": ("wss:" if scheme == "https" else "ws:") + rest + "/ws",
            "config": {"static": {"url": base + "/static/"}},
            "application": {"name": self.title},
            # The session speaks the server's language; the page around it does too.
            "words": start_page_words(self.lang),
            "endings": page_sentences(self.lang),
        }
        return aiohttp_jinja2.render_template("index.html", request, context)

    # --- one session -----------------------------------------------------------------------

    async def handle_websocket(self, request: web.Request) -> web.StreamResponse:
        if not origin_allowed(request.headers.get("Origin"), public_url=self.given_public_url,
                              host=request.host):
            return web.Response(status=403, text=translate(FOREIGN_PAGE, self._language(request)))
        address = self._client(request)
        if reason := self.limits.acquire(address):
            return self._busy(request, reason)  # refused before the upgrade: no process started
        try:
            return await self._session(request, address)
        finally:
            self.limits.release(address)

    async def _session(self, request: web.Request, address: str) -> web.WebSocketResponse:
        websocket = web.WebSocketResponse(heartbeat=HEARTBEAT, max_msg_size=MAX_MESSAGE_BYTES)
        await websocket.prepare(request)

        async def end_page() -> None:  # the process is ending, or the session is over
            if websocket.closed:
                return
            status = await service.exit_status(within=EXIT_WAIT)
            try:
                await websocket.send_bytes(TERMINAL_RESET)
            except ConnectionError:
                pass
            await websocket.close(code=close_code(status) or WSCloseCode.OK)

        service = SessionProcess(
            self.session_argv(self.terminal_name(address)),
            write_bytes=websocket.send_bytes, write_str=websocket.send_str, close=end_page,
            download_manager=self.download_manager, debug=self.debug,
        )
        try:
            await service.start(*terminal_size(request.query.get("width"),
                                               request.query.get("height")))
            self.processes[service.pid] = service
            # A process that ends by itself (a logout, Ctrl+Q, a crash) ends the page's session.
            if service._task is not None:
                service._task.add_done_callback(lambda _t: asyncio.ensure_future(end_page()))
            await self._process_messages(websocket, service)
        except (asyncio.CancelledError, ConnectionError):
            pass
        except Exception:  # an unforeseen error must not leave the process running
            log.exception("session %s ended by an error", self.terminal_name(address))
        finally:
            await service.stop()
            self.processes.pop(service.pid, None)
            await end_page()
        return websocket

    async def _process_messages(self, websocket: web.WebSocketResponse,
                                service: SessionProcess) -> None:
        """The page's messages, bounded, until the socket closes or the session idles out."""
        idle = IdleDeadline(self.idle, self.idle_prompt, started=self.clock.monotonic())
        budget = StdinBudget()
        while (order := await self._next_order(websocket, idle)) is not None:
            if order.kind == "stdin":
                keys = order.text.encode("utf-8", "replace")
                if not budget.take(len(keys), self.clock.monotonic()):
                    await websocket.close(code=WSCloseCode.POLICY_VIOLATION)
                    return
                idle.touch(self.clock.monotonic())
                await service.send_bytes(keys)
            elif order.kind == "resize":
                await service.set_terminal_size(*order.size)
            elif order.kind == "ping":
                await websocket.send_json(["pong", order.text])
            elif order.kind == "blur":
                await service.blur()
            elif order.kind == "focus":
                await service.focus()

    async def _next_order(self, websocket: web.WebSocketResponse,
                          idle: IdleDeadline) -> BrowserMessage | None:
        """The page's next readable message; None once the socket has closed or the idle
        deadline has passed. Messages of other kinds are skipped."""
        while True:
            try:
                message = await websocket.receive(
                    timeout=max(idle.left(self.clock.monotonic()), 0.05))
            except TimeoutError:
                if idle.left(self.clock.monotonic()) <= 0:
                    return None
                continue
            if message.type in SOCKET_ENDED:
                return None
            if message.type == WSMsgType.TEXT and (order := read_message(message.data)):
                return order


class AddressesAsTags(logging.Filter):
    """aiohttp names the client by its address in a few lines of its own ("Error handling
    request from 192.0.2.1"): every address among a line's arguments becomes its keyed tag."""

    def __init__(self, tag: Callable[[str], str]) -> None:
        super().__init__()
        self.tag = tag

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple):
            record.args = tuple(self.tag(arg) if _is_address(arg) else arg
                                for arg in record.args)
        return True


def _is_address(value: object) -> bool:
    if not isinstance(value, str):
        return False
    try:
        ipaddress.ip_address(value)
    except ValueError:
        return False
    return True


class ClientTagAccessLogger(AbstractAccessLogger):
    """One line per request, with the client's keyed tag (the audit's `web:…`) for its address."""

    def log(self, request: web.BaseRequest, response: web.StreamResponse, time: float) -> None:
        app = getattr(request, "app", None)
        tag = app[CLIENT_TAG](request) if app is not None and CLIENT_TAG in app else "-"
        self.logger.info("%s %s %s %d %.3fs", tag, request.method, request.path,
                         response.status, time)


def session_command(*, db: Path, state: Path | None, lang: str,
                    idle_timeout: float | None) -> Callable[[str], list[str]]:
    """The `python -m izle …` of one session: citizen mode, this register, named per client;
    a logout ends it (a browser's session is one person's)."""
    def argv(terminal: str) -> list[str]:
        command = [sys.executable, "-m", "izle", "--db", str(db), "--lang", lang,
                   "--terminal", terminal, "--end-on-logout"]
        if state is not None:
            command += ["--state", str(state)]
        if idle_timeout is not None:
            command += ["--idle-timeout", str(idle_timeout)]
        return command
    return argv
