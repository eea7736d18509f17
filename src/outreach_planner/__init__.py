"""Plan the routes and timetable of a rural mobile information team.

Data flows one way: villages -> stops -> travel times -> problem -> plan -> outputs.
"""

__version__ = "0.1.0"
