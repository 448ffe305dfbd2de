"""A device's configuration file as an editable generic XML tree: download (with a backup),
edit, diff, upload, verify. No Qt; used by the window's Configuration file page and by
``configurator config-file``."""

from .backups import backup_dir, write_backup
from .diff import ChangeKind, ValueChange, document_changes, unified_diff, value_changes
from .document import ConfigDocument, ConfigNode
from .verify import Outcome, PathResult, VerifyReport, verify
from .workflow import Downloaded, Phase, PreparedUpload, Step, download, prepare_upload, upload

__all__ = [
    "ChangeKind", "ConfigDocument", "ConfigNode", "Downloaded", "Outcome", "PathResult", "Phase",
    "PreparedUpload", "Step", "ValueChange", "VerifyReport", "backup_dir", "document_changes",
    "download", "prepare_upload", "unified_diff", "upload", "value_changes", "verify",
    "write_backup",
]
