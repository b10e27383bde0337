"""Answers retention's question (``backend/retention/ports.py``): which of these cases are in
an arkiveringsversion that read back. A case to be preserved is deleted only then."""

from backend.archive.service import archived_cases
from backend.retention.ports import register_archived_cases

register_archived_cases(archived_cases)
