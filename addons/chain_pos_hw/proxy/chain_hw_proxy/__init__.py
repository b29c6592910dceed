"""Chain POS hardware proxy.

A small HTTP service for the store's till PC or box: ESC/POS receipt printers, the cash
drawer on the printer, serial card readers and pole displays, plus a web customer display.
It needs no Odoo: only the standard library, python-escpos and pyserial.
"""

__version__ = "18.0.1.0.0"
