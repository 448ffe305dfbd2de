"""``python -m configurator.screenshots [OUTDIR]``: the main window's set."""

from .window import main

raise SystemExit(main())
