"""A plugin's own tables in ``socialplan backup`` and ``socialplan restore``."""

from __future__ import annotations

from core.services.backup import BackupError, TableDump, dump_table, load_table

# One line per name for docs/plugin-sdk.md (None: the object's own docstring says it).
DOCS = {
    "BackupError": 'refuse a restore, in one sentence',
    "TableDump": 'a table of an archive, read row by row',
    "dump_table": "a table's rows for the archive (references to core rows mapped)",
    "load_table": 'write a TableDump back (references to core rows mapped)',
}

__all__ = [
    "BackupError",
    "TableDump",
    "dump_table",
    "load_table",
]
