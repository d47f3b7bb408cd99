"""``ccpolicy report``: comparison, verifier-performance, threat-model and policy reports.

The report is built as a typed model (``model``) from input files and plugin declarations, then
rendered by Jinja2 templates into self-contained HTML and Markdown, or dumped as JSON.
"""
