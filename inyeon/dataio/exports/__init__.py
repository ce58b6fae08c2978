"""Exports of the contact, account and order lists: CSV (UTF-8 with BOM) or XLSX, streamed.

Rows come from the customers selectors (the one visibility layer), personal data is masked by the
rule of `customers.privacy`, every cell goes through `dataio.cells.neutralise`, and every export
and every download of an export file is written to the access log. `services` is the public surface.
"""
