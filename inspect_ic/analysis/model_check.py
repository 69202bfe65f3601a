"""Check an Inspect model name up front, before any sample or audit request runs.

Used by ``ic audit`` (the auditor) and ``ic demo`` (the model under test). Each problem is one
line: a missing API key names the variable; an unknown provider names the provider; a provider
whose SDK is not installed names the pip package; anything else Inspect refuses (e.g. a local
model that is not installed) keeps Inspect's text, flattened to one line.
"""

from __future__ import annotations

import re

from inspect_ai._util.error import PrerequisiteError

from inspect_ic.runner.models import missing_credentials

_MARKUP = re.compile(r"\[/?(?:bold|blue|red|green|yellow|italic|dim|b|i)\]")
_PIP = re.compile(r"pip install ([A-Za-z0-9_.\-\[\]]+)")


class ModelCheckError(ValueError):
    """The model cannot be used; the message is one line."""


def one_line(text: str) -> str:
    """Rich markup removed, an ``ERROR:`` prefix dropped, whitespace (newlines) collapsed."""
    plain = _MARKUP.sub("", text)
    plain = re.sub(r"^\s*ERROR:\s*", "", plain)
    return " ".join(plain.split())


def check_model(model: str) -> None:
    """Raise :class:`ModelCheckError` unless ``model`` can be instantiated.

    Order: the name has a ``provider/`` prefix; the provider's API key is set (the variables
    ``ic run`` checks); Inspect knows the provider and its SDK imports; the model's own
    prerequisites hold (Inspect's ``get_model`` constructs the client, which makes no request).
    """
    name = model.strip()
    if "/" not in name or name.endswith("/") or name.startswith("/"):
        raise ModelCheckError(
            f"model {model!r} is not an Inspect model name; use provider/model, "
            "e.g. openai/gpt-5 or local/qwen2.5-coder-0.5b"
        )
    provider = name.split("/", 1)[0]
    missing = missing_credentials([name])
    if missing:
        raise ModelCheckError(f"{missing[name]} is not set (needed by {name}); export it")
    from inspect_ai.model import get_model

    try:
        get_model(name, memoize=False)
    except PrerequisiteError as exc:
        text = one_line(str(getattr(exc, "message", "") or exc))
        pip = _PIP.search(text)
        if pip and "requires optional dependencies" in text:
            package = pip.group(1)
            raise ModelCheckError(
                f"the {provider} provider needs the Python package {package} "
                f"(not installed); run: pip install {package}"
            ) from exc
        raise ModelCheckError(text) from exc
    except ValueError as exc:
        text = one_line(str(exc))
        if "not recognized" in text:
            raise ModelCheckError(
                f"unknown model provider {provider!r} in {name!r} (Inspect has no such provider)"
            ) from exc
        raise ModelCheckError(text) from exc
    except ImportError as exc:
        package = (exc.name or "").split(".")[0] or provider
        raise ModelCheckError(
            f"the {provider} provider needs the Python package {package} "
            f"(not installed); run: pip install {package}"
        ) from exc
