"""What every controller shares: strict bodies, command answers, 204s that carry the position."""

from __future__ import annotations

import msgspec
from litestar import Response
from litestar.openapi.datastructures import ResponseSpec
from litestar.params import Body

POSITION_HEADER = "X-Albatross-Position"

# Request structs forbid unknown fields; this says so in the OpenAPI, which Litestar does not by itself.
Strict = Body(schema_extra={"additionalProperties": False})

# Litestar would document a 204 as a JSON `null`; it has no body and no content type.
NO_CONTENT = {204: ResponseSpec(None, description=f"Done; the log position is in {POSITION_HEADER}")}


class Created(msgspec.Struct, frozen=True):
    id: str
    position: int


class Changed(msgspec.Struct, frozen=True):
    position: int


def no_content(position: int) -> Response[None]:
    return Response(None, status_code=204, headers={POSITION_HEADER: str(position)})
