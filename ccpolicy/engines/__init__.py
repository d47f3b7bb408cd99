"""Policy engines built into ccpolicy."""
