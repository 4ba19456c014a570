"""Hypothesis strategies for hostile input, shared by every fuzzer of tests/fuzz.

Values (what a field may hold): wrong types, integers beyond int64, NaN and
infinities, NUL bytes, lone surrogates and bidi overrides in strings.
Documents (what a body may hold): JSON with NaN/Infinity literals, duplicate
keys, deep nesting or invalid UTF-8; url-encoded forms with broken escapes;
malformed XML and entity bombs; bodies above MAX_CONTENT_LENGTH.

A valid request is the best seed: `mutated(template)` keeps most of it and
breaks a few fields, so the fuzz reaches past the first check.
"""

import json
import math
import os
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote_from_bytes

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

INT64_MAX = 2**63 - 1

# Characters a careless server stores, echoes or compares wrongly.
NASTY_CHARS = [
    "\x00",  # PostgreSQL text cannot hold it
    "\ud800",  # lone surrogates: not encodable in UTF-8
    "\udfff",
    "\u202e",  # bidi override
    "\ufeff",  # BOM
    "\ufffe",
    "\uffff",
    "\x0b",  # not allowed in XML 1.0
    "\x1f",
    "\r",
    "\n",
    "'",
    '"',
    "<",
    ">",
    "&",
    "%",
    "\\",
    "/",
    "²",  # str.isdigit() is True, int() refuses it
    "٣",  # an Arabic-Indic digit: int() accepts it
    "é",
    "😀",
]

nasty_chars = st.one_of(
    st.sampled_from(NASTY_CHARS),
    st.characters(),
    st.characters(categories=["Cs"]),  # lone surrogates
    st.characters(max_codepoint=0x1F),  # control characters
)


def nasty_text(min_size: int = 0, max_size: int = 30) -> st.SearchStrategy[str]:
    return st.text(nasty_chars, min_size=min_size, max_size=max_size)


# Just past a column's length (16, 32, 43, 64, 128, 254, 300...) or far past it.
long_texts = st.builds(
    lambda n, ch: ch * n,
    st.sampled_from([17, 33, 44, 65, 129, 201, 255, 301, 501, 1001, 2001, 4001, 100_000]),
    st.sampled_from(["x", "é", "😀"]),
)

huge_ints = st.one_of(
    st.integers(min_value=INT64_MAX + 1, max_value=10**40),
    st.integers(min_value=-(10**40), max_value=-(INT64_MAX + 2)),
    st.sampled_from([2**31, -(2**31) - 1, 2**32, 2**63, -(2**63) - 1, 2**64, 10**308 * 10, 10**4000]),
)

odd_floats = st.one_of(
    st.sampled_from([math.nan, math.inf, -math.inf, -0.0, 5e-324, 1.7976931348623157e308]),
    st.floats(allow_nan=True, allow_infinity=True),
)

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**40), max_value=2**40),
    huge_ints,
    odd_floats,
    nasty_text(),
    st.sampled_from(["", " ", "0", "-1", "1e999", "NaN", "Infinity", "null", "true", "9" * 400]),
)

json_values = st.recursive(
    scalars,
    lambda children: st.one_of(
        st.lists(children, max_size=4),
        st.dictionaries(nasty_text(max_size=8), children, max_size=4),
    ),
    max_leaves=10,
)


@dataclass(frozen=True)
class Deep:
    """A value nested `depth` times (lists or objects), serialised lazily."""

    depth: int
    kind: str = "list"

    def text(self) -> str:
        if self.kind == "list":
            return "[" * self.depth + "]" * self.depth
        return '{"a":' * self.depth + "1" + "}" * self.depth


deep_values = st.builds(
    Deep, st.sampled_from([64, 1_000, 10_000, 100_000]), st.sampled_from(["list", "dict"])
)

# What a field gets instead of its value: each kind of trouble equally often.
wrong_values = st.one_of(
    huge_ints,
    odd_floats,
    nasty_text(),
    long_texts,
    st.none() | st.booleans() | st.integers(min_value=-(2**40), max_value=2**40),
    st.sampled_from(["", " ", "0", "-1", "1e999", "NaN", "Infinity", "null", "true", "9" * 400]),
    st.lists(scalars, max_size=3) | st.dictionaries(nasty_text(max_size=8), scalars, max_size=3),
    json_values,
    deep_values,
)


def _paths(value: Any, path: tuple = ()) -> list[tuple]:
    """Every place in `value` a field can be broken: each key and list item, at any depth."""
    found = [path] if path else []
    if isinstance(value, dict):
        for key, inner in value.items():
            found += _paths(inner, (*path, key))
    elif isinstance(value, list):
        for index, inner in enumerate(value):
            found += _paths(inner, (*path, index))
    return found


def _at(value: Any, path: tuple) -> Any:
    for step in path:
        value = value[step]
    return value


def _replace(value: Any, path: tuple, new: Any, drop: bool) -> Any:
    if not path:
        return new
    head, rest = path[0], path[1:]
    if isinstance(value, dict):
        out = dict(value)
        if drop and not rest:
            out.pop(head, None)
        else:
            out[head] = _replace(value[head], rest, new, drop)
        return out
    out_list = list(value)
    if drop and not rest:
        del out_list[head]
    else:
        out_list[head] = _replace(value[head], rest, new, drop)
    return out_list


NUMERIC_TEXTS = [
    "9" * 20,
    "9" * 400,
    "-9" * 12,
    "1e999",
    "-1e999",
    "nan",
    "inf",
    "1.5",
    "-0",
    "²",
    "٣",
    "0x10",
]


def _looks_numeric(value: Any) -> bool:
    if isinstance(value, bool):
        return False
    if isinstance(value, int | float):
        return True
    try:
        float(value)
    except (TypeError, ValueError):
        return False
    return True


def _like(value: Any, text: bool) -> st.SearchStrategy[Any]:
    """Trouble of the field's own kind: a number too large or not finite for a
    number, too long or hostile text for a string (as text in forms, `text`)."""
    if _looks_numeric(value):
        numbers = st.one_of(huge_ints, odd_floats, st.sampled_from(NUMERIC_TEXTS))
        return numbers.map(wire_text) if text else numbers
    if isinstance(value, str):
        return st.one_of(long_texts, nasty_text(min_size=1, max_size=60))
    return st.nothing()


@st.composite
def mutated(
    draw: st.DrawFn,
    template: Any,
    wrong: st.SearchStrategy[Any] = wrong_values,
    keys: st.SearchStrategy[str] | None = None,
    text: bool | None = False,
) -> Any:
    """`template` with one field (at any depth) replaced by a wrong value or
    dropped, so that everything else is valid and the fuzz reaches the check of
    that field; or, a third of the time, several fields broken at once and an
    unknown one added (named by `keys`, hostile text by default).

    Half the wrong values are of the field's own kind (`_like`: forms and
    queries get them as text, `text=True`; None: none, e.g. for headers)."""
    paths = _paths(template)
    if paths and draw(st.integers(0, 2)) > 0:
        path = draw(st.sampled_from(paths))
        drop = draw(st.integers(0, 4)) == 0
        original = _at(template, path)
        kind = wrong if text is None or draw(st.booleans()) else st.one_of(wrong, _like(original, text))
        return _replace(template, path, None if drop else draw(kind), drop)

    def walk(value: Any) -> Any:
        if isinstance(value, dict):
            out = {}
            for key, inner in value.items():
                choice = draw(st.sampled_from(["keep", "keep", "walk", "wrong", "wrong", "drop"]))
                if choice == "drop":
                    continue
                out[key] = draw(wrong) if choice == "wrong" else walk(inner) if choice == "walk" else inner
            if draw(st.integers(0, 3)) == 0:
                out[draw(keys if keys is not None else nasty_text(max_size=8))] = draw(wrong)
            return out
        if isinstance(value, list):
            return [walk(item) for item in value]
        return draw(wrong) if draw(st.integers(0, 3)) == 0 else value

    return walk(template)


# ---- JSON documents --------------------------------------------------------


DUPLICATES = ["none", "none", "none", "same", "same", "before", "after"]


def _dump(value: Any, duplicate: str = "none") -> str:
    """JSON text of `value`: NaN/Infinity written as Python's json writes them,
    Deep values inlined; with `duplicate`, each object repeats a key: its last
    one with the same value ("same"), or its first one with another value put
    before it (the real value is the last, "before") or after it ("after")."""
    if isinstance(value, Deep):
        return value.text()
    if isinstance(value, dict):
        pairs = [f"{json.dumps(str(k))}:{_dump(v, duplicate)}" for k, v in value.items()]
        if value and duplicate != "none":
            keys = list(value)
            if duplicate == "same":
                pairs.append(pairs[-1])
            else:
                other = f'{json.dumps(str(keys[0]))}:"duplicate"'
                pairs.insert(0 if duplicate == "before" else len(pairs), other)
        return "{" + ",".join(pairs) + "}"
    if isinstance(value, list):
        return "[" + ",".join(_dump(v, duplicate) for v in value) + "]"
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) >= 10**4000:
        return "9" * 5000  # beyond Python's int-to-str limit: written by hand
    return json.dumps(value)


def json_bytes(value: Any) -> bytes:
    """`value` as JSON, unbroken (lone surrogates as \\u escapes, Deep values inlined)."""
    return _dump(value).encode("utf-8", "surrogatepass")


INVALID_UTF8 = [
    b"\xff",
    b"\xfe\xff",
    b"\xc3\x28",  # bad continuation
    b"\xc0\xaf",  # overlong "/"
    b"\xed\xa0\x80",  # an encoded surrogate
    b"\xf4\x90\x80\x80",  # beyond U+10FFFF
    b"\x80",
    b"\xe2\x82",  # truncated
]
invalid_utf8 = st.one_of(st.sampled_from(INVALID_UTF8), st.binary(min_size=1, max_size=8))


@st.composite
def json_document(draw: st.DrawFn, value: Any) -> bytes:
    """`value` as JSON bytes, sometimes broken: duplicate keys, raw surrogates
    (invalid UTF-8), a BOM, truncation, invalid bytes, trailing junk."""
    text = _dump(value, duplicate=draw(st.sampled_from(DUPLICATES)))
    data = text.encode("utf-8", "surrogatepass")  # a lone "\ud800" escape stays ASCII
    if draw(st.integers(0, 9)) < 7:
        return data
    damage = draw(st.sampled_from(["truncate", "bytes", "bom", "junk", "ascii-off"]))
    if damage == "truncate" and data:
        return data[: draw(st.integers(0, len(data) - 1))]
    if damage == "bytes":
        at = draw(st.integers(0, len(data)))
        return data[:at] + draw(invalid_utf8) + data[at:]
    if damage == "bom":
        return b"\xef\xbb\xbf" + data
    if damage == "junk":
        return data + draw(st.sampled_from([b"]", b"}", b",", b"\x00", b" [1]", b"NaN"]))
    # Strings written raw, not as \u escapes: lone surrogates become invalid UTF-8.
    try:
        raw = json.dumps(json.loads(text), ensure_ascii=False)
    except (ValueError, RecursionError):  # too deep, or too long a number, for the test's json
        return data
    return raw.encode("utf-8", "surrogatepass")


def any_json_document() -> st.SearchStrategy[bytes]:
    return st.one_of(wrong_values.flatmap(json_document), deep_values.map(lambda d: d.text().encode()))


# ---- forms, query strings, paths -------------------------------------------


def wire_text(value: Any) -> str:
    """A form or query value as a client would write it (Python spelling of numbers)."""
    if isinstance(value, Deep):
        return value.text()
    if isinstance(value, str):
        return value
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) >= 10**4000:
        return "9" * 5000
    return json.dumps(value) if isinstance(value, dict | list) else str(value)


def _escape(value: str | bytes) -> str:
    raw = value if isinstance(value, bytes) else value.encode("utf-8", "surrogatepass")
    return quote_from_bytes(raw, safe="")


form_values = st.one_of(
    st.builds(wire_text, wrong_values),
    st.sampled_from(["", "0", "1", "-1", "nan", "inf", "-inf", "1e999", "9" * 30, "0x10", "1_000", " 1 "]),
    st.deferred(lambda: date_texts),
)


@st.composite
def urlencoded(draw: st.DrawFn, fields: dict[str, Any]) -> bytes:
    """Fields as an application/x-www-form-urlencoded (or query) string, with
    repeated keys, broken %-escapes and raw invalid bytes now and then."""
    parts: list[str] = []
    for key, value in fields.items():
        values = value if isinstance(value, list) else [value]
        for one in values:
            parts.append(f"{_escape(key)}={_escape(wire_text(one))}")
        if draw(st.integers(0, 19)) == 0:
            parts.append(f"{_escape(key)}={_escape(draw(form_values))}")  # duplicate key
    if draw(st.integers(0, 9)) == 0:
        parts.insert(
            draw(st.integers(0, len(parts))),
            draw(st.sampled_from(["%", "%zz", "%0", "%00=%00", "=", "&&", "a=%ff%fe", "%c0%af=1", ";"])),
        )
    data = "&".join(parts).encode("ascii")
    if draw(st.integers(0, 9)) == 0:
        at = draw(st.integers(0, len(data)))
        data = data[:at] + draw(invalid_utf8) + data[at:]
    return data


@st.composite
def form_fields(draw: st.DrawFn, template: dict[str, str]) -> dict[str, Any]:
    """A form seeded from valid `template` values, some fields wrong."""
    return draw(mutated(template, wrong=form_values, text=True))


path_segments = st.one_of(
    nasty_text(min_size=1, max_size=40),
    st.builds(str, huge_ints),
    st.sampled_from(["0", "-1", "٣", "²", "..", ".", "%2e%2e", "a" * 5000, "9" * 400, "\x00", "null"]),
)


def path_segment_bytes(segment: str) -> str:
    """A segment %-escaped (so it stays one segment; invalid UTF-8 possible)."""
    return _escape(segment)


# ---- headers ---------------------------------------------------------------

# Header values travel as latin-1 bytes: any byte but CR, LF and NUL.
header_values = st.one_of(
    st.text(st.characters(min_codepoint=0x20, max_codepoint=0xFF), max_size=40),
    st.builds(str, huge_ints),
    st.sampled_from(["", " ", "²", "¹²³", "-1", "0", "1.5", "1e9", "nan", "9" * 400, "\xff\xfe"]),
)


header_names = st.one_of(
    st.sampled_from(
        ["X-Fuzz", "Content-Type", "If-Match", "Idempotency-Key", "incident-id", "Authorization"]
    ),
    st.from_regex(r"[A-Za-z0-9!#$%&'*+.^_`|~-]{1,20}", fullmatch=True),
)


# ---- bodies of the wrong kind ----------------------------------------------

XML_BOMB = (
    b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
    b'<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">'
    b'<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">'
    b'<!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">'
    b'<!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">'
    b'<!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">'
    b'<!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">'
    b'<!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">'
    b'<!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">'
    b"]><service_request><description>&lol9;</description></service_request>"
)
XML_EXTERNAL = (
    b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
    b"<service_request><description>&x;</description></service_request>"
)
MALFORMED_XML = [
    b"<service_request><lat>48.85",
    b"<a><b></a></b>",
    b"<?xml version='1.0' encoding='bogus'?><a/>",
    b"\x00<a/>",
    b"<a>\xff\xfe</a>",
    b"<" * 5000,
    b"<a>" * 10_000 + b"</a>" * 10_000,
    b"]]>",
]
xml_bodies = st.one_of(
    st.sampled_from([XML_BOMB, XML_EXTERNAL, *MALFORMED_XML]),
    st.builds(
        lambda tag, text: f"<{tag}>{text}</{tag}>".encode("utf-8", "surrogatepass"),
        st.sampled_from(["service_request", "jsonStream", "a"]),
        nasty_text(),
    ),
)

content_types = st.sampled_from(
    [
        None,
        "",
        "application/json",
        "application/problem+json",
        "application/x-www-form-urlencoded",
        "application/x-www-form-urlencoded; charset=latin-1",
        "application/x-www-form-urlencoded; charset=bogus",
        "multipart/form-data",  # no boundary
        "multipart/form-data; boundary=",
        "multipart/form-data; boundary=xyz",
        "text/xml",
        "application/xml",
        "text/plain",
        "image/jpeg",
        "application/octet-stream",
        "*/*",
        "application/json; charset=utf-16",
        "a/b/c; ;;=",
    ]
)


@dataclass(frozen=True)
class Oversized:
    """A body `extra` bytes above the app's MAX_CONTENT_LENGTH (built when sent)."""

    extra: int = 1
    declared_only: bool = False  # a Content-Length claim with a short body

    def body(self, limit: int) -> bytes:
        return b"a" * (1024 if self.declared_only else limit + self.extra)

    def length(self, limit: int) -> int:
        return limit + self.extra


oversized = st.builds(Oversized, st.sampled_from([1, 1024]), st.booleans())


def multipart_body(fields: dict[str, str], files: dict[str, bytes], boundary: str = "fuzzfuzz") -> bytes:
    """A multipart/form-data body written by hand (field names may be anything)."""
    chunks: list[bytes] = []
    for name, value in fields.items():
        chunks.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'.encode(
                "utf-8", "surrogatepass"
            )
            + value.encode("utf-8", "surrogatepass")
            + b"\r\n"
        )
    for name, data in files.items():
        chunks.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="p.jpg"\r\n'
            "Content-Type: image/jpeg\r\n\r\n".encode("utf-8", "surrogatepass")
            + data
            + b"\r\n"
        )
    return b"".join(chunks) + f"--{boundary}--\r\n".encode()


# Bytes that look a little like an image (or nothing like one).
image_like = st.one_of(
    st.binary(max_size=64),
    st.builds(lambda tail: b"\xff\xd8\xff\xe0" + tail, st.binary(max_size=64)),
    st.builds(lambda tail: b"\x89PNG\r\n\x1a\n" + tail, st.binary(max_size=64)),
    st.builds(lambda tail: b"GIF89a" + tail, st.binary(max_size=32)),
    st.sampled_from([b"", b"<svg onload=alert(1)/>", b"%PDF-1.4"]),
)


# ---- dates -----------------------------------------------------------------

date_texts = st.one_of(
    st.datetimes(timezones=st.none() | st.timezones()).map(lambda d: d.isoformat()),
    st.dates().map(lambda d: d.isoformat()),
    st.sampled_from(
        [
            "0001-01-01T00:00:00+14:00",
            "0001-01-01",
            "9999-12-31T23:59:59-14:00",
            "9999-12-31",
            "2024-13-01",
            "2024-02-30",
            "2024-01-01T25:00:00Z",
            "2024-01-01T00:00:00+25:00",
            "-2024-01-01",
            "20240101",
            "2024-W01-1",
            "01/02/2024",
            "31/12/9999",
            "00/00/0000",
        ]
    ),
)


def examples(count: int) -> settings:
    """A fuzzer's settings: `count` examples (times FUZZ_SCALE, for a longer hunt:
    FUZZ_SCALE=20 pytest tests/fuzz), no deadline (the database sets the pace),
    the test's fixtures shared by its examples (each request stands alone)."""
    scale = float(os.environ.get("FUZZ_SCALE") or 1)
    return settings(
        max_examples=max(1, int(count * scale)),
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )


def urlencoded_plain(fields: dict[str, str]) -> bytes:
    """Fields %-escaped as they are (lone surrogates as their raw, invalid bytes)."""
    return "&".join(f"{_escape(k)}={_escape(v)}" for k, v in fields.items()).encode("ascii")
