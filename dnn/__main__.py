"""``python -m dnn``: print exactly what the course notebook printed, computed by this package."""

from .network import seed_scenario
from .printout import notebook_printout

print(notebook_printout(seed_scenario()))
