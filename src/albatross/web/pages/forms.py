"""Posted form text as the domain's structs: blank fields left out, numbers read from text, and a
refusal turned into a plain message on the field it belongs to. Pure: no I/O."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any, TypeVar

import msgspec

T = TypeVar("T")

# Where msgspec says a value went wrong: `$.rule.kind`, or `$.fares[0]...` (the field is `fares`).
_AT = re.compile(r" - at `\$\.([a-z_.]*[a-z_])")
_MISSING = re.compile(r"missing required field `([a-z_]+)`")
# msgspec's wording -> what a person filling in a form is told.
_PLAIN = (
    (re.compile(r"Expected `(?:float|int)` >= (-?[0-9.]+?)(?:\.0)?\b"), r"Give a number of at least \1."),
    (re.compile(r"Expected `(?:float|int)` <= (-?[0-9.e+]+?)(?:\.0)?\b"), r"Give a number of at most \1."),
    (re.compile(r"Expected `(?:float|int)`, got"), "Give a number."),
    (re.compile(r"Expected `int`"), "Give a whole number."),
    (re.compile(r"Expected `str` of length >= 1"), "Required."),
    (re.compile(r"Expected `str` of length <= (\d+)"), r"At most \1 characters."),
    (re.compile(r"Expected `str` matching regex"), "Not in the expected form."),
    (re.compile(r"Invalid enum value"), "Pick one from the list."),
    (re.compile(r"missing required field"), "Required."),
)


class FormErrors(Exception):
    """Messages by form field name."""

    def __init__(self, fields: dict[str, str]) -> None:
        super().__init__(", ".join(fields))
        self.fields = fields


def plain(message: str) -> str:
    for pattern, replacement in _PLAIN:
        match = pattern.search(message)
        if match:
            return match.expand(replacement)
    return message.split(" - at ")[0]


def texts(
    form: Mapping[str, Any], names: Iterable[str], prefix: str = "", limit: int = 500
) -> dict[str, str]:
    """The named fields as stripped text (absent: empty), keyed without the prefix."""
    return {name: str(form.get(prefix + name) or "")[:limit].strip() for name in names}


def filled(values: Mapping[str, str]) -> dict[str, str]:
    """Only the fields given: a blank one takes the struct's default."""
    return {k: v for k, v in values.items() if v != ""}


def struct_from(raw: Mapping[str, Any], kind: type[T], prefix: str = "", fields: Mapping[str, str] = {}) -> T:
    """`raw` as `kind` (text read as numbers and booleans); a refusal names the field
    `prefix + name` (or `fields[name]` where a nested path belongs to another form field)."""
    try:
        return msgspec.convert(dict(raw), kind, strict=False)
    except msgspec.ValidationError as exc:
        text = str(exc)
        match = _AT.search(text) or _MISSING.search(text)
        path = match.group(1) if match else next(iter(raw), "")
        name = fields.get(path, path.rsplit(".", 1)[-1])
        raise FormErrors({prefix + name: plain(text)}) from None


def field_errors(
    detail: str,
    fields: Mapping[str, str],
    known: Iterable[str],
    fallback: str | None,
    *,
    rename: Mapping[str, str] = {},
    each_detail: bool = False,
) -> dict[str, str]:
    """A domain refusal's fields as form fields (`rename`d where the form calls them otherwise). Each
    shows its own message, or the whole `detail` with `each_detail` (where the command's field messages
    are fragments such as "already taken"). What the form lacks gets the detail (which names it) on
    `fallback`, or is left to the page's message when `fallback` is None."""
    names = set(known)
    errors: dict[str, str] = {}
    for name, message in fields.items():
        name = rename.get(name, name)
        if name in names:
            errors.setdefault(name, detail if each_detail else message or detail)
        elif fallback is not None:
            errors.setdefault(fallback, detail)
    return errors or ({fallback: detail} if fallback is not None else {})


def whole(text: str, *, default: int, low: int = 0, high: int) -> int:
    """A whole number written in ASCII digits (no sign, no spaces, nothing like "²") from `low` to
    `high`; anything else is `default`. Read from a query, where a bad value is no reason to fail."""
    if not (0 < len(text) <= len(str(high)) and text.isascii() and text.isdigit()):
        return default
    number = int(text)
    return number if low <= number <= high else default
