"""Published benchmark instances: readers, an independent checker, and the runner.

Kept apart from the planner: nothing in the planner imports this package.
"""
