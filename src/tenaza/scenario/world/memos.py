"""Free-text memos of transactions, as a table of strings indexed by a small integer.

Memos are what banks print, in the bank's language; a batch carries the memo index only.
Planters register memos of their own (invoice references, "pago factura") at set-up time.
"""

from __future__ import annotations

from tenaza.scenario.activity.frame import CHANNELS

_DEFAULT = {
    # channel: (English memo, Spanish memo)
    "cash_deposit": ("BRANCH CASH DEPOSIT", "DEPOSITO EN EFECTIVO VENTANILLA"),
    "cash_withdrawal": ("ATM WITHDRAWAL", "RETIRO CAJERO AUTOMATICO"),
    "wire": ("WIRE TRANSFER", "SPEI ENVIADO"),
    "ach": ("ACH PAYMENT", "TRASPASO DOMICILIADO"),
    "check": ("CHECK PAID", "CHEQUE PAGADO"),
    "msb_transfer": ("MONEY TRANSFER TO MEXICO", "ENVIO DE DINERO"),
    "armored_car": ("ARMORED CAR CASH DELIVERY", "TRASLADO DE VALORES"),
    "card": ("POS DEBIT PURCHASE", "COMPRA CON TARJETA DE DEBITO"),
    "internal_transfer": ("ONLINE TRANSFER", "TRASPASO ENTRE CUENTAS"),
    "other": ("MISC", "OTRO"),
}


class Memos:
    def __init__(self) -> None:
        self.text: list[str] = []
        self._index: dict[str, int] = {}
        self.default_en = [self.add(_DEFAULT[c][0]) for c in CHANNELS]
        self.default_es = [self.add(_DEFAULT[c][1]) for c in CHANNELS]
        self.payroll_en = self.add("PAYROLL DIRECT DEPOSIT")
        self.payroll_es = self.add("PAGO DE NOMINA")

    def add(self, text: str) -> int:
        if text not in self._index:
            self._index[text] = len(self.text)
            self.text.append(text)
        return self._index[text]
