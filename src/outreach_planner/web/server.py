"""`outreach-planner serve`: start the page's server for a working folder."""

from __future__ import annotations

import argparse
import contextlib
import secrets
import sys
import threading
import webbrowser
from pathlib import Path

from outreach_planner.errors import InputError, Problem
from outreach_planner.labels import Labels

LOOPBACK = {"127.0.0.1", "localhost", "::1"}


def add_command(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "serve",
        help="the planning page in a browser (edit stops, re-plan, print)",
        description="Serve the planning page for a working folder (stops.csv, maps/, "
        "settings.toml) and open the browser on it. Ctrl-C stops it.",
    )
    p.add_argument("--dir", type=Path, default=Path("."), help="working folder (default: here)")
    p.add_argument("--port", type=int, default=8765, help="port (default 8765; 0: any free)")
    p.add_argument(
        "--host", default="127.0.0.1",
        help="address to listen on (default 127.0.0.1, this computer only); another address "
        "(e.g. 0.0.0.0 for the office network) prints an access code the page asks for",
    )  # fmt: skip
    p.add_argument("--no-browser", action="store_true", help="do not open the browser")
    p.set_defaults(handler=serve)


def serve(args: argparse.Namespace) -> int:
    import uvicorn

    from outreach_planner.web.app import create_app
    from outreach_planner.web.workspace import Workspace

    folder: Path = args.dir
    if not folder.is_dir():
        raise InputError(Problem("command line", "", "--dir", str(folder), "an existing folder"))
    if not 0 <= args.port <= 65535:
        raise InputError(Problem("command line", "", "--port", args.port, "a port 0-65535"))
    ws = Workspace(folder)
    words = Labels(ws.settings.lang)
    shared = args.host not in LOOPBACK
    code = f"{secrets.randbelow(10**6):06d}" if shared else None
    app = create_app(ws, access_code=code, allowed_hosts=["*"] if shared else None)
    config = uvicorn.Config(app, host=args.host, port=args.port, log_level="warning",
                            lifespan="off")  # fmt: skip
    server = uvicorn.Server(config)

    def announce() -> None:
        # The address is known once the socket is bound (port 0 picks a free one).
        while not server.started:
            if server.should_exit:
                return
            threading.Event().wait(0.05)
        port = server.servers[0].sockets[0].getsockname()[1]
        host = "127.0.0.1" if args.host in ("0.0.0.0", "::") or not shared else args.host
        url = f"http://{host}:{port}/"
        print(words.t("serve_at", folder=ws.folder, url=url), flush=True)
        if code is not None:
            print(words.t("serve_shared", host=args.host, code=code), flush=True)
        if not args.no_browser:
            webbrowser.open(url)

    threading.Thread(target=announce, daemon=True).start()
    # uvicorn shuts down cleanly, then re-raises Ctrl-C: for `serve`, the normal way out.
    with contextlib.suppress(KeyboardInterrupt):
        server.run()
    if not server.started:
        print(f"error: {words.t('serve_cannot', host=args.host, port=args.port)}", file=sys.stderr)
        return 2
    print(words["serve_stopped"], flush=True)
    return 0
