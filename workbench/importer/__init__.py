"""The importer: case files and event reports from CSV or XLSX, every row validated (a service above the engine).

    from workbench.importer import import_file
    result = import_file("cases.xlsx", who="clerk")          # its own transaction
    with session_scope() as s:                                 # or one transaction with other services
        import_file("reports.csv", kind="reports", session=s)

Modules: ``reading`` (CSV/XLSX to rows), ``columns`` (column names, cell parsers, masking), ``records`` (a valid
row to a record, advised by the engine through the one case contract), ``service`` (``import_file``: the one
transaction; a report's classification, history and audit by the triage service's own functions).
"""

from workbench.importer.columns import mask_id, mask_name
from workbench.importer.reading import read_table
from workbench.importer.service import KINDS, ImportResult, RowProblem, import_file

__all__ = ["import_file", "read_table", "ImportResult", "RowProblem", "mask_name", "mask_id", "KINDS"]
