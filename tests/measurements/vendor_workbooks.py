"""Small XLSX workbooks in a vendor's layout, written by the tests that read them (one sheet per name)."""

from __future__ import annotations


def write_workbook(path, sheets: dict[str, list[list]]) -> None:
    import xlsxwriter

    book = xlsxwriter.Workbook(path)
    for name, rows in sheets.items():
        sheet = book.add_worksheet(name)
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                sheet.write(r, c, value)
    book.close()
