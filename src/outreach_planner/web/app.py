"""The HTTP API and the page (documented in docs/api.md): routes over `Workspace`,
`stop_edits` and `retime`, nothing more.

Writes need the session's CSRF token (header X-CSRF-Token) and are refused from a
foreign Origin; served on a shared network, every request also needs the access
cookie given for the printed access code.
"""

from __future__ import annotations

import hmac
import re
import secrets
from collections.abc import Awaitable, Callable
from importlib import resources
from pathlib import Path
from typing import Any

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.middleware import Middleware
from starlette.middleware.trustedhost import TrustedHostMiddleware
from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from outreach_planner.errors import InputError
from outreach_planner.parse import parse_date
from outreach_planner.web.jobs import JobRunner, internal_error
from outreach_planner.web.workspace import Busy, StaleVersion, Workspace, cells_from_json

WRITE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}
ACCESS_COOKIE = "outreach_access"
# Wrong codes a shared server takes before it accepts none: guessing 6 digits stays hopeless.
MAX_WRONG_CODES = 20
LOOPBACK_HOSTS = ["127.0.0.1", "localhost", "[::1]", "::1"]
_FILE_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")

Handler = Callable[[Request], Awaitable[Response]]


def error(status: int, message: str, **extra: Any) -> JSONResponse:
    return JSONResponse({"error": message, **extra}, status_code=status)


def problems(exc: InputError) -> JSONResponse:
    """422 with one entry per problem: the page shows each next to its field."""
    return JSONResponse(
        {
            "error": "the edit was refused; nothing was changed",
            "problems": [
                {
                    "field": p.field,
                    "value": _jsonable(p.value),
                    "expected": p.expected,
                    "message": str(p),
                }
                for p in exc.problems
            ],  # fmt: skip
        },
        status_code=422,
    )


def _jsonable(value: object) -> object:
    return value if isinstance(value, str | int | float | bool | type(None)) else str(value)


class Guard:
    """CSRF token, Origin check and (on a shared network) the access code."""

    def __init__(self, access_code: str | None):
        self.csrf = secrets.token_urlsafe(24)
        self.access_code = access_code
        self.access_token = secrets.token_urlsafe(24)
        self.wrong_codes = 0  # after MAX_WRONG_CODES, no code is accepted until a restart

    def refuse(self, request: Request) -> Response | None:
        path = request.url.path
        if self.access_code is not None and (path.startswith(("/api/", "/files/", "/kit/"))):
            cookie = request.cookies.get(ACCESS_COOKIE, "")
            if path != "/api/login" and not hmac.compare_digest(cookie, self.access_token):
                return error(401, "the access code is needed", access_required=True)
        if request.method in WRITE_METHODS:
            origin = request.headers.get("origin")
            own = f"{request.url.scheme}://{request.headers.get('host', '')}"
            if origin is not None and origin != own:
                return error(403, f"writes from another site ({origin}) are refused")
            if path == "/api/login":
                return None
            token = request.headers.get("x-csrf-token", "")
            if not hmac.compare_digest(token, self.csrf):
                return error(403, "the X-CSRF-Token header is missing or wrong (GET /api/session)")
        return None


def create_app(ws: Workspace, *, access_code: str | None = None,
               allowed_hosts: list[str] | None = None) -> Starlette:  # fmt: skip
    """The ASGI app for one working folder. `allowed_hosts` None: loopback names only."""
    guard = Guard(access_code)
    jobs = JobRunner()
    static = Path(str(resources.files("outreach_planner") / "web" / "static"))
    leaflet = Path(str(resources.files("outreach_planner") / "render" / "assets" / "leaflet-1.9.3"))

    def guarded(handler: Handler) -> Handler:
        async def run(request: Request) -> Response:
            refused = guard.refuse(request)
            if refused is not None:
                return refused
            try:
                return await handler(request)
            except InputError as exc:
                return problems(exc)
            except StaleVersion as exc:
                return error(
                    409,
                    "the stop list changed since you loaded it (another tab or the command "
                    "line); reload to see the changes",
                    version=str(exc),
                )
            except Busy as exc:
                return error(423, f"a re-plan is running ({exc}); edit again when it ends")
            except Exception as exc:  # a bug: one line for the page, details in the error log
                return error(500, internal_error(exc))

        return run

    async def body(request: Request) -> dict[str, Any]:
        try:
            data = await request.json()
        except ValueError:
            data = None
        if not isinstance(data, dict):
            from outreach_planner.errors import Problem

            raise InputError(Problem("request", "", "body", None, "a JSON object"))
        return data

    def if_match(request: Request) -> str | None:
        value = request.headers.get("if-match")
        return value.strip().strip('"') if value else None

    async def edit(request: Request, change: Callable[..., Any]) -> Response:
        version = if_match(request)
        if version is None:
            return error(428, "the If-Match header with the stop list's version is required")
        result, new_version = await run_in_threadpool(ws.edit, version, change)
        return JSONResponse({"version": new_version, **result})

    async def index(request: Request) -> Response:
        return FileResponse(static / "index.html", headers={"Cache-Control": "no-store"})

    async def session(request: Request) -> Response:
        return JSONResponse({"csrf": guard.csrf, "folder": str(ws.folder),
                             "lang": ws.settings.lang,
                             "replan_running": jobs.running() is not None})  # fmt: skip

    async def login(request: Request) -> Response:
        data = await body(request)
        code = str(data.get("code", ""))
        if guard.wrong_codes >= MAX_WRONG_CODES:
            return error(429, "too many wrong access codes: restart serve for a new code")
        if guard.access_code is None or not hmac.compare_digest(code, guard.access_code):
            guard.wrong_codes += 1
            return error(401, "wrong access code", access_required=True)
        response = JSONResponse({"ok": True})
        response.set_cookie(ACCESS_COOKIE, guard.access_token, httponly=True, samesite="strict")
        return response

    async def settings(request: Request) -> Response:
        return JSONResponse(ws.settings_json())

    async def communes(request: Request) -> Response:
        return JSONResponse(await run_in_threadpool(ws.communes_json))

    async def list_stops(request: Request) -> Response:
        data = await run_in_threadpool(ws.stops_json)
        return JSONResponse(data, headers={"ETag": f'"{data["version"]}"'})

    async def patch_stop(request: Request) -> Response:
        from outreach_planner.stop_edits import set_fields

        stop_id = request.path_params["stop_id"]
        cells = cells_from_json(await body(request))

        def change(stops_list: Any) -> dict[str, Any]:
            stop = set_fields(stops_list, stop_id, cells)
            warnings = ws.far_village_warnings(stop) if {"lon", "lat"} & set(cells) else []
            return {"id": stop.id, "warnings": warnings}

        return await edit(request, change)

    async def add_stop(request: Request) -> Response:
        from outreach_planner.stop_edits import add_stop as add
        from outreach_planner.web.workspace import new_stop_args

        kwargs = new_stop_args(await body(request))
        return await edit(request, lambda sl: {"id": add(sl, **kwargs).id})

    async def move_village(request: Request) -> Response:
        from outreach_planner.errors import Problem

        version = if_match(request)
        if version is None:
            return error(428, "the If-Match header with the stop list's version is required")
        data = await body(request)
        lon, lat = data.get("lon"), data.get("lat")
        if not all(isinstance(x, int | float) and not isinstance(x, bool) for x in (lon, lat)):
            raise InputError(Problem("request", "", "lon/lat", [lon, lat], "two numbers"))
        village_id = request.path_params["village_id"]
        result = await run_in_threadpool(
            ws.move_village, version, village_id, float(lon), float(lat)  # type: ignore[arg-type]
        )
        return JSONResponse(result)

    async def delete_stop(request: Request) -> Response:
        from outreach_planner.stop_edits import remove_stop

        stop_id = request.path_params["stop_id"]
        return await edit(request, lambda sl: {"id": remove_stop(sl, stop_id).id})

    async def merge(request: Request) -> Response:
        from outreach_planner.stop_edits import merge_stops

        other = str((await body(request)).get("other", ""))
        stop_id = request.path_params["stop_id"]
        return await edit(request, lambda sl: {"id": merge_stops(sl, stop_id, other).id})

    async def split(request: Request) -> Response:
        from outreach_planner.stop_edits import split_stop

        stop_id = request.path_params["stop_id"]
        return await edit(request, lambda sl: {"ids": [s.id for s in split_stop(sl, stop_id)]})

    async def start_plan(request: Request) -> Response:
        from outreach_planner.web.replan import replan

        fresh = (await body(request)).get("fresh", False) is True
        ws.begin_replan("re-plan")
        job = jobs.start(lambda progress: replan(ws, progress, fresh=fresh), on_end=ws.end_replan)
        return JSONResponse({"job": job.id}, status_code=202)

    async def get_plan(request: Request) -> Response:
        plan = await run_in_threadpool(ws.plan_json)
        if plan is None:
            return error(404, "no plan yet: re-plan to make one")
        return JSONResponse(plan)

    async def get_job(request: Request) -> Response:
        job = jobs.get(request.path_params["job_id"])
        return error(404, "no such job") if job is None else JSONResponse(job.to_json())

    async def cancel_job(request: Request) -> Response:
        job = jobs.cancel(request.path_params["job_id"])
        return error(404, "no such job") if job is None else JSONResponse(job.to_json())

    async def timing(request: Request) -> Response:
        from outreach_planner.web.timing import run_timing

        date = parse_date(request.path_params["date"])  # None for 2026-02-30 too
        vehicle = int(request.path_params.get("vehicle", "1"))
        if (date is None or date.weekday() not in ws.settings.weekdays
                or not 1 <= vehicle <= ws.settings.vehicles):  # fmt: skip
            return error(404, "no such run: a run day and a vehicle of the settings")
        data = await body(request)
        return JSONResponse(await run_in_threadpool(run_timing, ws, date, vehicle, data))

    async def history(request: Request) -> Response:
        from outreach_planner.io.edit_history import history_path, last_undoable, read_history

        changes = await run_in_threadpool(read_history, history_path(ws.stops_path))
        return JSONResponse({
            "changes": [c.__dict__ for c in changes[-300:]],
            "undoable": last_undoable(changes),
        })  # fmt: skip

    async def undo(request: Request) -> Response:
        from outreach_planner.errors import Problem
        from outreach_planner.stop_edits import undo_last

        def change(stops_list: Any) -> dict[str, Any]:
            undone = undo_last(stops_list)
            if undone is None:
                raise InputError(Problem("request", "", "undo", None, "an edit to undo"))
            return {"undone": undone}

        return await edit(request, change)

    async def keep(request: Request) -> Response:
        """Save dragged orders: lock their visits, then re-plan keeping them as they are."""
        from outreach_planner.stop_edits import lock_runs
        from outreach_planner.web.replan import replan
        from outreach_planner.web.timing import check_orders

        version = if_match(request)
        if version is None:
            return error(428, "the If-Match header with the stop list's version is required")
        orders = await run_in_threadpool(check_orders, ws, await body(request))
        _, new_version = await run_in_threadpool(ws.edit, version, lambda sl: lock_runs(sl, orders))
        ws.begin_replan("re-plan")
        job = jobs.start(
            lambda progress: replan(ws, progress, fresh=False, orders=orders),
            on_end=ws.end_replan,
        )
        return JSONResponse({"job": job.id, "version": new_version}, status_code=202)

    async def kit(request: Request) -> Response:
        from outreach_planner.web.kit import week_kit

        text = request.path_params["monday"]
        monday = parse_date(text)
        if monday is None or monday.weekday() != 0:
            return error(404, "no such week: give the date of its Monday")
        data, runs = await run_in_threadpool(week_kit, ws.out, monday)
        if not runs:
            return error(404, "no run that week")
        disposition = f'attachment; filename="driver-kit-{monday.isoformat()}.zip"'
        return Response(data, media_type="application/zip",
                        headers={"Content-Disposition": disposition})  # fmt: skip

    async def files(request: Request) -> Response:
        name = request.path_params["name"]
        # One plain file name of the output folder: no separator, no '..', no hidden file.
        if not _FILE_NAME.match(name) or ".." in name:
            return error(404, "no such file")
        path = ws.out / name
        if not path.is_file() or path.resolve().parent != ws.out.resolve():
            return error(404, "no such file")
        return FileResponse(path)

    routes = [
        Route("/", index),
        Route("/api/session", guarded(session)),
        Route("/api/login", guarded(login), methods=["POST"]),
        Route("/api/settings", guarded(settings)),
        Route("/api/communes", guarded(communes)),
        Route("/api/stops", guarded(list_stops)),
        Route("/api/stops", guarded(add_stop), methods=["POST"]),
        Route("/api/stops/{stop_id}", guarded(patch_stop), methods=["PATCH"]),
        Route("/api/stops/{stop_id}", guarded(delete_stop), methods=["DELETE"]),
        Route("/api/stops/{stop_id}/merge", guarded(merge), methods=["POST"]),
        Route("/api/villages/{village_id}", guarded(move_village), methods=["PATCH"]),
        Route("/api/stops/{stop_id}/split", guarded(split), methods=["POST"]),
        Route("/api/history", guarded(history)),
        Route("/api/history/undo", guarded(undo), methods=["POST"]),
        Route("/api/plan", guarded(get_plan)),
        Route("/api/plan", guarded(start_plan), methods=["POST"]),
        Route("/api/jobs/{job_id}", guarded(get_job)),
        Route("/api/jobs/{job_id}", guarded(cancel_job), methods=["DELETE"]),
        Route("/api/runs/keep", guarded(keep), methods=["POST"]),
        Route("/api/runs/{date}/timing", guarded(timing), methods=["POST"]),
        Route("/api/runs/{date}/{vehicle:int}/timing", guarded(timing), methods=["POST"]),
        Route("/kit/driver-kit-{monday}.zip", guarded(kit)),
        Route("/files/{name:path}", guarded(files)),
        Mount("/static/leaflet", StaticFiles(directory=leaflet)),
        Mount("/static", StaticFiles(directory=static)),
    ]
    middleware = [Middleware(TrustedHostMiddleware, allowed_hosts=allowed_hosts or LOOPBACK_HOSTS)]
    app = Starlette(routes=routes, middleware=middleware)
    app.state.jobs = jobs
    app.state.workspace = ws
    app.state.guard = guard
    return app
