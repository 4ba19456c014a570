"""JSON documents received from clients, read one way everywhere (#20.3).

`loads` is the standard parser with two refusals: the NaN and Infinity
literals (not JSON, RFC 8259 section 6) and nesting deeper than MAX_DEPTH
(the apps' and contractors' documents are a few levels deep; a 10 000-level
array would otherwise end in a RecursionError here or in the code reading
it). Both raise json.JSONDecodeError, what every caller already handles as
"not valid JSON".
"""

import json
from typing import Any

MAX_DEPTH = 32


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} n'est pas une valeur JSON")


def loads(text: str | bytes) -> Any:
    doc = text if isinstance(text, str) else text.decode("utf-8", "replace")
    try:
        data = json.loads(text, parse_constant=_refuse_constant)
    except RecursionError:
        raise json.JSONDecodeError("JSON trop profondément imbriqué", doc, 0) from None
    except json.JSONDecodeError:
        raise
    except ValueError as exc:  # a refused constant, an integer too long to read
        raise json.JSONDecodeError(str(exc), doc, 0) from None
    if _depth(data) > MAX_DEPTH:
        raise json.JSONDecodeError(f"JSON imbriqué sur plus de {MAX_DEPTH} niveaux", doc, 0)
    return data


def _depth(data: Any) -> int:
    """The nesting depth of a parsed document, without recursion."""
    deepest, stack = 0, [(data, 1)]
    while stack:
        node, depth = stack.pop()
        if isinstance(node, dict | list):
            deepest = max(deepest, depth)
            if depth > MAX_DEPTH:
                return depth
            stack.extend((child, depth + 1) for child in (node.values() if isinstance(node, dict) else node))
    return deepest
