"""``python -m configurator.cli``."""

from . import main

raise SystemExit(main())
