"""Published overheads of running inside a TEE, cited with their source. None of these is measured here."""

from __future__ import annotations

from ccpolicy.comparison.backend import CitedFigure

AKRAM_2021 = (
    "A. Akram, A. Giannakou, V. Akella, J. Lowe-Power, S. Peisert: Performance Analysis of Scientific "
    "Computing Workloads on General Purpose TEEs, IEEE IPDPS 2021 (abstract)"
)
AKRAM_2021_URL = "https://arch.cs.ucdavis.edu/papers/2021-5-17-hpc-tee-performance"

CITED_OVERHEADS: tuple[CitedFigure, ...] = (
    CitedFigure(
        figure="AMD SEV slowdown on HPC benchmarks, NUMA-aware memory placement (1x-1.15x)",
        low_percent=0.0,
        high_percent=15.0,
        source=AKRAM_2021,
        url=AKRAM_2021_URL,
    ),
    CitedFigure(
        figure="AMD SEV slowdown on HPC benchmarks, default NUMA placement (1x-3.4x)",
        low_percent=0.0,
        high_percent=240.0,
        source=AKRAM_2021,
        url=AKRAM_2021_URL,
    ),
    CitedFigure(
        figure="Intel SGX slowdown on HPC benchmarks over unsecured execution (1.2x-126x)",
        low_percent=20.0,
        high_percent=12500.0,
        source=AKRAM_2021,
        url=AKRAM_2021_URL,
    ),
)
