"""``python -m careergraph`` runs the command line."""

from .cli import main

main()
