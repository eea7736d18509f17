"""The planning page of `outreach-planner serve`: a thin HTTP layer over the library."""
