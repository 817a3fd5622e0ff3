"""The staff console: edit, preview, publish and roll back content in a browser (zh/ko).

``python -m console`` serves it (``make run`` starts it beside the assistant). A
Sanic app (``console.app``) with server-rendered, autoescaped Jinja2 pages and a
little vanilla JavaScript; the content, drafts, accounts, audit log and usage
counts come from ``bot`` (one store and one validator with the command line).
Every label is in ``console/messages.yml``, in both languages.
"""
