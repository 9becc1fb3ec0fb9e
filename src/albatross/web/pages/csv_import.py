"""CSV import and export for staff: a dry run reports every row (created, updated, unchanged, or its
errors) and writes nothing; after a clean one, Import sends the same bytes. Export downloads the CSV."""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass, field
from typing import Any, cast, get_args

from litestar import Request, Response, get, post
from litestar.datastructures import FormMultiDict, UploadFile
from litestar.di import NamedDependency, Provide
from litestar.exceptions.http_exceptions import RequestEntityTooLarge
from litestar.params import FromPath

from albatross.identity.policy import Principal
from albatross.kernel import Context, NotFound
from albatross.operations import csv_format, transfer
from albatross.operations.queries import OperationsQueries, export
from albatross.services import Services
from albatross.web.deps import wait_for_position
from albatross.web.pages.common import page, see_other, staff_tenant
from albatross.web.pages.forms import whole

REFUSAL = "Importing and exporting records is for the airline's staff."
# In the order an airline is best set up in: airports, subfleets, aircraft, flights.
KINDS: tuple[str, ...] = get_args(transfer.Kind)
LIMIT = csv_format.MAX_BYTES  # the API's own limit: what the page accepts, the API would too
# The dry run's report carries the content back (base64, a third longer) for the Import button.
BODY_LIMIT = 2 * LIMIT + 1_000_000
OUTCOMES = ("created", "updated", "unchanged")
MOST_ROWS = 999_999
"""The largest count the notice repeats from its URL (which anyone can type)."""


@dataclass
class ReportRow:
    line: int
    outcome: str
    problems: list[transfer.RowProblem] = field(default_factory=list)


@dataclass
class Report:
    kind: str
    dry_run: bool
    result: transfer.ImportResult
    rows: list[ReportRow]
    general: list[transfer.RowProblem]
    """Problems of the file as a whole (its size, encoding or header)."""

    @property
    def clean(self) -> bool:
        return not self.result.errors and self.result.rows > 0


def _counts(result: transfer.ImportResult) -> dict[str, int]:
    return {"created": result.created, "updated": result.updated, "unchanged": result.unchanged}


def row_by_row(kind: str, result: transfer.ImportResult) -> Report:
    """Every row of the file with its outcome or its problems, in file order."""
    by_line: dict[int, list[transfer.RowProblem]] = {}
    general = []
    for problem in result.errors:
        if problem.line <= 1:  # the import command counts rows the same way
            general.append(problem)
        else:
            by_line.setdefault(problem.line, []).append(problem)
    rows = [ReportRow(line, "error", problems) for line, problems in by_line.items()]
    rows += [ReportRow(o.line, o.outcome) for o in result.outcomes if o.line not in by_line]
    rows.sort(key=lambda r: r.line)
    return Report(kind, True, result, rows, general)


def _imported_notice(query: Any) -> str:
    kind = str(query.get("imported", ""))
    if kind not in KINDS:
        return ""
    numbers = [f"{whole(str(query.get(o, '')), default=0, high=MOST_ROWS)} {o}" for o in OUTCOMES]
    return f"Imported {kind}: {', '.join(numbers)}."


def _form_page(
    viewer: Principal,
    values: dict[str, str],
    errors: dict[str, str] | None = None,
    report: Report | None = None,
    content: bytes = b"",
    notice: str = "",
    status: int = 200,
) -> Any:
    return page(
        "import.html",
        status_code=status,
        viewer=viewer,
        values=values,
        errors=errors or {},
        report=report,
        carried=base64.b64encode(content).decode() if report and report.clean else "",
        notice=notice,
        kinds=KINDS,
        limit_mb=LIMIT // 1_000_000,
    )


@get("/staff/import", include_in_schema=False, dependencies={"consistent": Provide(wait_for_position)})
async def import_form(
    request: Request[Any, Any, Any], viewer: NamedDependency[Principal], consistent: NamedDependency[int]
) -> Any:
    staff_tenant(viewer, REFUSAL)
    kind = str(request.query_params.get("kind") or request.query_params.get("imported") or "flights")
    values = {"kind": kind if kind in KINDS else "flights", "text": ""}
    return _form_page(viewer, values, notice=_imported_notice(request.query_params))


async def _content(form: FormMultiDict) -> tuple[bytes, str, str]:
    """The CSV the form sends: the carried copy (Import), else the file, else the pasted text.
    Returns the bytes, the pasted text (to show again), and the field a problem belongs to."""
    if form.get("action") == "import":
        try:
            return base64.b64decode(str(form.get("content", "")), validate=True), "", "content"
        except (binascii.Error, ValueError):
            return b"", "", "content"
    upload = form.get("file")
    if isinstance(upload, UploadFile):
        data = await upload.read(LIMIT + 1)
        if data:
            return data, "", "file"
    text = str(form.get("text", ""))
    return text.encode("utf-8", "surrogatepass"), text, "text"


def too_large(request: Request[Any, Any, Any], exc: RequestEntityTooLarge) -> Response[Any]:
    """Far over the limit the body is not even read: say so on a page, not in a problem document."""
    detail = f"That is larger than an import takes ({LIMIT // 1_000_000} MB of CSV): split the file."
    return page("error.html", status_code=413, status=413, detail=detail, viewer=None)


@post(
    "/staff/import",
    include_in_schema=False,
    request_max_body_size=BODY_LIMIT,
    exception_handlers={RequestEntityTooLarge: too_large},
)
async def run_import(
    request: Request[Any, Any, Any], viewer: NamedDependency[Principal], services: NamedDependency[Services]
) -> Any:
    tenant_id = staff_tenant(viewer, REFUSAL)
    form = await request.form()
    kind = str(form.get("kind", ""))
    content, text, source = await _content(form)
    values = {"kind": kind, "text": text if len(text) <= LIMIT else ""}
    errors: dict[str, str] = {}
    if kind not in KINDS:
        errors["kind"] = "Pick what the file holds."
    if len(content) > LIMIT:
        errors[source] = f"This is larger than {LIMIT // 1_000_000} MB; split it into smaller files."
    elif not content.strip():
        errors[source] = (
            "The content was lost on the way: run the dry run again."
            if source == "content"
            else "Choose a CSV file or paste its text."
        )
    if errors:
        return _form_page(viewer, values, errors, status=400)
    dry_run = form.get("action") != "import"
    chosen = cast(transfer.Kind, kind)
    result = await transfer.handle_import(
        services.identity,
        Context(actor_id=viewer.user_id),
        viewer,
        tenant_id,
        chosen,
        content,
        dry_run=dry_run,
    )
    if dry_run:
        report = row_by_row(kind, result)
        return _form_page(viewer, values, report=report, content=content)
    if result.errors or result.position is None:  # all or nothing: nothing was written
        report = row_by_row(kind, result)
        report.dry_run = False
        return _form_page(viewer, values, report=report, status=400)
    counts = "&".join(f"{outcome}={n}" for outcome, n in _counts(result).items())
    return see_other(f"/staff/import?imported={kind}&{counts}", result.position)


@get(
    "/staff/export/{kind:str}",
    include_in_schema=False,
    dependencies={"consistent": Provide(wait_for_position)},
)
async def export_csv(
    kind: FromPath[str],
    viewer: NamedDependency[Principal],
    services: NamedDependency[Services],
    consistent: NamedDependency[int],
) -> Response[str]:
    tenant_id = staff_tenant(viewer, REFUSAL)
    if kind not in KINDS:
        raise NotFound(f"There is no export of {kind[:20]}.")
    text = await export(OperationsQueries(services.reader), viewer, tenant_id, kind)
    return Response(
        text,
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{kind}.csv"'},
    )
