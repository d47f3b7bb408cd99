"""sev-snp-measure for the AMD reference-value generators (``snp``, ``sev`` and ``sev-es``).

This package has no hook implementation: it is the shared layer the ``snp`` and ``sev`` plugins build
on. It checks the guest images and options, imports sev-snp-measure when used (the ``amd`` extra, so the
plugins load without it), and turns the library's refusals into ConfigurationErrors.
"""

from __future__ import annotations

__version__ = "0.1.0"
