"""The ``site`` command's options (argparse only: ``--help`` must stay fast; the work is in
``site_commands``, imported when the command runs)."""

from __future__ import annotations

import argparse
import os
from typing import Any

USAGE = {
    "add": "site add SITE.json HOST... [--name NAME] [--tag TAG] [--save-credentials]",
    "list": "site list SITE.json [--devices SELECTOR]",
    "tag": "site tag SITE.json TAG --devices SELECTOR [--remove]",
    "apply": "site apply SITE.json TEMPLATE.json|FILE.csv [--devices SELECTOR] [--dry-run]",
    "backup": "site backup SITE.json --out DIR [--devices SELECTOR]",
    "restore": "site restore SITE.json BACKUP_DIR DEVICE [--yes]",
    "firmware": "site firmware SITE.json FILE... [--canary 1 --batch N] [--apply --yes]",
    "doortest": "site doortest SITE.json [--devices SELECTOR] [--wait S]",
    "report": "site report SITE.json --out FILE.html|FILE.pdf [--devices SELECTOR]",
}


def add_site_parser(sub: Any) -> None:
    """Register ``site`` (one parser; the sub-command is its first positional so that options
    may come anywhere, as with every other command)."""
    p = sub.add_parser(
        "site", help="site-scale work: " + ", ".join(USAGE),
        description="Work on every device of a site file. Sub-commands:\n  "
                    + "\n  ".join(f"configurator {u}" for u in USAGE.values()),
        formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("site_command", choices=tuple(USAGE), metavar="SUBCOMMAND")
    p.add_argument("operands", nargs="*", metavar="ARG")
    p.add_argument("--devices", metavar="SELECTOR",
                   help="all (default), tag:T, model:M, vendor:V, driver:D, or names, "
                        "addresses, serials; comma-separated")
    p.add_argument("--json", action="store_true", help="one JSON line per device")
    p.add_argument("--user", "-u", default=os.environ.get("CONFIGURATOR_USER"))
    p.add_argument("--password", "-p", default=None,
                   help="password for devices without a keyring or credentials-file entry "
                        "(prefer $CONFIGURATOR_PASSWORD)")
    p.add_argument("--credentials", metavar="FILE",
                   help="credentials file (mode 0600); default SITE.credentials.json")
    p.add_argument("--concurrency", type=int, default=None,
                   help="devices at once (default 8; report: 16, it only reads)")
    p.add_argument("--name", help="add: the site's name when the file is new")
    p.add_argument("--tag", action="append", dest="tags", default=[],
                   help="add: tag the added devices (repeatable)")
    p.add_argument("--save-credentials", action="store_true",
                   help="add: keep the password for later runs (keyring, else the 0600 file)")
    p.add_argument("--remove", action="store_true", help="tag: remove the tag instead")
    p.add_argument("--dry-run", action="store_true", help="apply: show the changes only")
    p.add_argument("--out", help="backup: folder; report: FILE.html or FILE.pdf")
    p.add_argument("--yes", action="store_true", help="confirm restore / firmware --apply")
    p.add_argument("--apply", action="store_true", help="firmware: install (else plan only)")
    p.add_argument("--canary", type=int, default=1, help="firmware: devices in the first wave")
    p.add_argument("--batch", type=int, default=8, help="firmware: devices per later wave")
    p.add_argument("--allow-downgrade", action="store_true",
                   help="firmware: confirm installing older versions")
    p.add_argument("--restart-timeout", type=float, default=300.0,
                   help="firmware: seconds a device may take to come back")
    p.add_argument("--wait", type=float, default=5.0,
                   help="doortest: seconds to wait for the door's event")
    p.add_argument("--debug", action="store_true", default=argparse.SUPPRESS)
