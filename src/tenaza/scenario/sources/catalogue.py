"""The catalogue of source files a generated world writes, one layout each.

Layouts follow what each agency's records look like: US files in English with month-first
dates and decimal points; Mexican files in Spanish, pipe-delimited, day-first dates and decimal
commas, one of them in Latin-1. Three files are releasable to one country only (UIF bank
movements and SEDENA seizures to Mexico, CBP seizures to the United States), which exercises
the security model.
"""

from __future__ import annotations

from typing import Any

from tenaza.scenario.activity.frame import CHANNELS
from tenaza.scenario.sources.layout import Col, Layout

BOTH = ("USA", "MEX")


def mx(*args: Any, **kw: Any) -> Layout:
    """A Mexican layout: pipe-delimited, day-first dates, decimal commas."""
    options: dict[str, Any] = {"delimiter": "|", "dates": "dmy", "decimal": ",", "date_format": "%d/%m/%Y", **kw}
    return Layout(*args, **options)

CHANNEL_EN = dict(zip(CHANNELS, ("CASH DEPOSIT", "CASH WITHDRAWAL", "WIRE", "ACH", "CHECK", "MONEY TRANSFER",
                                 "ARMORED CAR DELIVERY", "DEBIT CARD", "BOOK TRANSFER", "OTHER"), strict=True))
CHANNEL_ES = dict(zip(CHANNELS, ("DEPOSITO EN EFECTIVO", "RETIRO EN EFECTIVO", "TRANSFERENCIA", "DOMICILIACION",
                                 "CHEQUE", "ENVIO DE DINERO", "TRASLADO DE VALORES", "COMPRA CON TARJETA",
                                 "TRASPASO ENTRE CUENTAS", "OTRO"), strict=True))
INSPECTION_ES = {"none": "SIN REVISION", "primary": "REVISION DOCUMENTAL", "secondary": "RECONOCIMIENTO ADUANERO",
                 "nii": "RAYOS GAMMA"}

US_PARTIES = Layout(
    "fincen_bank_customers", "parties", "US bank customer (KYC) records obtained through FinCEN", "FINCEN", BOTH, (
        Col("CUSTOMER ID", "party_id"), Col("CUSTOMER TYPE", "kind", values={"person": "INDIVIDUAL",
                                                                                  "company": "BUSINESS"}),
        Col("FULL NAME", "name"), Col("FIRST NAME", "given_names"), Col("LAST NAME", "paternal_surname"),
        Col("AKA", "aliases", "list"), Col("DATE OF BIRTH", "dob", "date"), Col("NATIONALITY", "nationality"),
        Col("SSN", "ssn"), Col("EIN", "ein"), Col("OTHER ID", "other_ids", "list"), Col("ADDRESS", "address"),
        Col("CITY", "city"), Col("STATE", "state"), Col("COUNTRY", "country"), Col("PHONE", "phone"),
        Col("EMAIL", "email"), Col("CUSTOMER SINCE", None, "date")))

MX_PARTIES = mx(
    "uif_personas", "parties", "Registro de clientes reportado a la UIF (personas físicas y morales)", "UIF", BOTH, (
        Col("ID PERSONA", "party_id"), Col("TIPO PERSONA", "kind", values={"person": "FISICA", "company": "MORAL"}),
        Col("NOMBRE O RAZON SOCIAL", "name"), Col("NOMBRE(S)", "given_names"),
        Col("APELLIDO PATERNO", "paternal_surname"), Col("APELLIDO MATERNO", "maternal_surname"),
        Col("ALIAS", "aliases", "list"), Col("RFC", "rfc"), Col("CURP", "curp"),
        Col("FECHA NACIMIENTO O CONSTITUCION", "dob", "date"),
        Col("NACIONALIDAD", "nationality", values={"MEX": "MEXICANA", "USA": "ESTADOUNIDENSE"}),
        Col("PAIS", "country", values={"MEX": "MEXICO", "USA": "ESTADOS UNIDOS"}),
        Col("ENTIDAD FEDERATIVA", "state"), Col("MUNICIPIO", "city"), Col("DOMICILIO", "address"),
        Col("TELEFONO", "phone"), Col("CORREO ELECTRONICO", "email")),
    encoding="latin-1")

US_ACCOUNTS = Layout(
    "fincen_bank_accounts", "accounts", "US bank and money-transmitter accounts obtained through FinCEN", "FINCEN",
    BOTH, (Col("ACCOUNT NUMBER", "account_id"), Col("INSTITUTION", "institution"),
           Col("INSTITUTION COUNTRY", "institution_country"), Col("CUSTOMER ID", "holder_party_id"),
           Col("ACCOUNT TYPE", "kind"), Col("OPEN DATE", "opened", "date"), Col("BRANCH STATE", "branch_state"),
           Col("BRANCH CITY", "branch_city")))

MX_ACCOUNTS = mx(
    "uif_cuentas", "accounts", "Cuentas bancarias reportadas a la UIF", "UIF", BOTH, (
        Col("CLABE", "account_id"), Col("INSTITUCION", "institution"),
        Col("PAIS INSTITUCION", "institution_country", values={"MEX": "MEXICO", "USA": "ESTADOS UNIDOS"}),
        Col("ID CLIENTE", "holder_party_id"), Col("TIPO DE CUENTA", "kind"), Col("FECHA APERTURA", "opened", "date"),
        Col("ENTIDAD", "branch_state"), Col("PLAZA", "branch_city")))

US_TXNS = Layout(
    "fincen_bank_transactions", "transactions", "US bank transaction records obtained through FinCEN", "FINCEN",
    BOTH, (Col("TRANSACTION ID", "txn_id"), Col("POST DATE", "ts", "date_part"), Col("POST TIME", "ts", "time_part"),
           Col("DEBIT ACCOUNT", "from_account"), Col("CREDIT ACCOUNT", "to_account"), Col("AMOUNT", "amount", "money", also="amount_usd"),
           Col("CURRENCY", "currency"),
           Col("TRANSACTION TYPE", "channel", values=CHANNEL_EN), Col("BRANCH COUNTRY", "country"),
           Col("BRANCH STATE", "state"), Col("BRANCH CITY", "city"), Col("BRANCH ID", "branch"),
           Col("MEMO", "description")))

MX_TXNS = mx(
    "uif_movimientos", "transactions", "Movimientos bancarios reportados a la UIF (uso exclusivo de México)", "UIF",
    ("MEX",), (Col("FOLIO", "txn_id"), Col("FECHA OPERACION", "ts", "datetime"), Col("CUENTA ORIGEN", "from_account"),
               Col("CUENTA DESTINO", "to_account"), Col("MONTO", "amount", "money"), Col("MONEDA", "currency"),
               Col("MONTO USD", "amount_usd", "money"), Col("TIPO DE OPERACION", "channel", values=CHANNEL_ES),
               Col("PAIS", "country", values={"MEX": "MEXICO", "USA": "ESTADOS UNIDOS"}), Col("ENTIDAD", "state"),
               Col("MUNICIPIO", "city"), Col("SUCURSAL", "branch"), Col("CONCEPTO", "description")))

MSB_TXNS = Layout(
    "fincen_msb_transfers", "transactions", "Money-transmitter transfer records obtained through FinCEN", "FINCEN",
    BOTH, (Col("TRANSFER NO", "txn_id"), Col("SEND DATE", "ts", "date_part"), Col("SEND TIME", "ts", "time_part"),
           Col("SENDER ACCOUNT", "from_account"), Col("RECEIVER ACCOUNT", "to_account"),
           Col("SEND AMOUNT", "amount", "money"), Col("SEND CURRENCY", "currency"),
           Col("SEND AMOUNT USD", "amount_usd", "money"), Col("AGENT COUNTRY", "country"),
           Col("AGENT STATE", "state"), Col("AGENT CITY", "city"), Col("AGENT ID", "branch"),
           Col("PURPOSE", "description")),
    constants={"channel": "msb_transfer"})

US_EXPORTS = Layout(
    "cbp_aes_exports", "trade_declarations",
    "Electronic Export Information (AES) of US exports to Mexico, with the payer from TTU records", "CBP", BOTH, (
        Col("ITN", "decl_id"), Col("EXPORT DATE", "date", "date"), Col("USPPI NAME", "exporter"),
        Col("USPPI EIN", "exporter_id"), Col("ULTIMATE CONSIGNEE", "importer"), Col("PAYMENT RECEIVED FROM", "payer"),
        Col("SCHEDULE B", "hs_code"), Col("COMMODITY DESCRIPTION", "description"),
        Col("QUANTITY", "quantity", "qty"), Col("UNIT", "unit"), Col("VALUE USD", "value", "money", also="value_usd"), Col("ORIGIN COUNTRY", "origin_country"),
        Col("DESTINATION COUNTRY", "destination_country"), Col("PORT OF EXPORT", "port"),
        Col("MODE OF TRANSPORT", "transport_mode", values={"truck": "TRUCK", "rail": "RAIL", "vessel": "VESSEL",
                                                             "air": "AIR"}),
        Col("BILL OF LADING", "transport_doc"), Col("CARRIER", "carrier"), Col("FILER", "broker")),
    constants={"direction": "export", "reporting_country": "USA", "departure_country": "USA", "currency": "USD"})

MX_IMPORTS = mx(
    "anam_pedimentos", "trade_declarations", "Pedimentos de importación (Anexo 22), datos por partida", "ANAM", BOTH, (
        Col("NUM PEDIMENTO", "decl_id"), Col("FECHA PAGO", "date", "date"), Col("ADUANA", "port"),
        Col("CLAVE PEDIMENTO", None), Col("PROVEEDOR", "exporter"), Col("IMPORTADOR", "importer"),
        Col("RFC IMPORTADOR", "importer_id"), Col("FRACCION ARANCELARIA", "hs_code"), Col("DESCRIPCION", "description"),
        Col("CANTIDAD", "quantity", "qty"), Col("UMC", "unit", values={"kg": "KILO", "l": "LITRO", "u": "PIEZA"}),
        Col("VALOR COMERCIAL", "value", "money"), Col("MONEDA", "currency"),
        Col("VALOR DOLARES", "value_usd", "money"), Col("PAIS ORIGEN", "origin_country"),
        Col("PAIS PROCEDENCIA", "departure_country"),
        Col("MEDIO DE TRANSPORTE", "transport_mode", values={"truck": "CARRETERO", "rail": "FERROVIARIO",
                                                               "vessel": "MARITIMO", "air": "AEREO"}),
        Col("GUIA O CONOCIMIENTO", "transport_doc"), Col("TRANSPORTISTA", "carrier"),
        Col("AGENTE ADUANAL", "broker")),
    constants={"direction": "import", "reporting_country": "MEX", "destination_country": "MEX"})

CBP_CROSSINGS = Layout(
    "cbp_crossings", "crossings", "Northbound conveyance crossings at land ports of entry (CBP)", "CBP", BOTH, (
        Col("CROSSING ID", "crossing_id"), Col("ENTRY DATE", "ts", "date_part"), Col("ENTRY TIME", "ts", "time_part"),
        Col("PORT CODE", "port_code"), Col("PORT NAME", None),
        Col("CONVEYANCE", "conveyance", values={"truck": "COMMERCIAL TRUCK", "personal_vehicle": "POV"}),
        Col("PLATE", "plate"), Col("VIN", "vin"), Col("DRIVER", "driver"), Col("CARRIER", "carrier"),
        Col("SHIPPER", "shipper"), Col("CONSIGNEE", "consignee"), Col("HTS", "hs_code"),
        Col("ENTRY NUMBER", "decl_ref"),
        Col("INSPECTION", "inspection", values={"none": "NONE", "primary": "PRIMARY", "secondary": "SECONDARY",
                                                 "nii": "NII"}),
        Col("RESULT", "outcome"), Col("SEIZURE NUMBER", "seizure_ref")),
    time_format="%H:%M", constants={"direction": "northbound"})

ANAM_CROSSINGS = mx(
    "anam_cruces", "crossings", "Cruces de salida de EUA hacia México en aduanas fronterizas (ANAM)", "ANAM", BOTH, (
        Col("FOLIO", "crossing_id"), Col("FECHA Y HORA", "ts", "datetime"), Col("ADUANA", "port_code"),
        Col("TIPO DE VEHICULO", "conveyance", values={"truck": "TRACTOCAMION",
                                                       "personal_vehicle": "VEHICULO PARTICULAR"}),
        Col("PLACAS", "plate"), Col("NIV", "vin"), Col("OPERADOR", "driver"), Col("TRANSPORTISTA", "carrier"),
        Col("REMITENTE", "shipper"), Col("DESTINATARIO", "consignee"), Col("FRACCION", "hs_code"),
        Col("PEDIMENTO", "decl_ref"), Col("REVISION", "inspection", values=INSPECTION_ES),
        Col("RESULTADO", "outcome"), Col("ACTA", "seizure_ref")),
    time_format="%H:%M", constants={"direction": "southbound"})

CBP_SEIZURES = Layout(
    "cbp_seizures", "seizures", "CBP seizures on the Southwest border (law-enforcement sensitive: US only)", "CBP",
    ("USA",), (Col("SEIZURE NUMBER", "seizure_id"), Col("SEIZURE DATE", "date", "date"), Col("PORT CODE", "port_code"),
               Col("STATE", "state"), Col("COMPONENT", "agency"),
               Col("SEIZURE TYPE", "kind", values={"drug": "NARCOTICS", "cash": "CURRENCY", "firearm": "WEAPONS",
                                                   "vehicle": "CONVEYANCE", "precursor": "CHEMICALS",
                                                   "asset": "OTHER PROPERTY"}),
               Col("DRUG TYPE", "substance"), Col("QUANTITY", "quantity", "qty"), Col("UNIT", "unit"),
               Col("EST VALUE USD", "value_usd", "money"), Col("CROSSING ID", "crossing_ref"),
               Col("SUBJECT IDS", "party_refs", "list")),
    constants={"country": "USA"})

MX_SEIZURES = mx(
    "sedena_aseguramientos", "seizures", "Aseguramientos en aduanas y puertos (uso exclusivo de México)", "SEDENA",
    ("MEX",), (Col("FOLIO", "seizure_id"), Col("FECHA", "date", "date"), Col("ENTIDAD", "state"),
               Col("ADUANA", "port_code"), Col("DEPENDENCIA", "agency"),
               Col("TIPO", "kind", values={"drug": "NARCOTICO", "cash": "NUMERARIO", "firearm": "ARMA DE FUEGO",
                                           "precursor": "PRECURSOR QUIMICO", "vehicle": "VEHICULO",
                                           "asset": "BIENES"}),
               Col("SUSTANCIA", "substance"), Col("CANTIDAD", "quantity", "qty"), Col("UNIDAD", "unit"),
               Col("VALOR ESTIMADO USD", "value_usd", "money"), Col("REF CRUCE", "crossing_ref"),
               Col("PERSONAS", "party_refs", "list")),
    constants={"country": "MEX"})

ATF_SALES = Layout(
    "atf_firearm_sales", "firearm_sales", "Retail firearm sales from FFL records, with multiple-sale flags", "ATF",
    BOTH, (Col("RECORD ID", "sale_id"), Col("SALE DATE", "date", "date"), Col("FFL NUMBER", "ffl_id"),
           Col("FFL STATE", "ffl_state"), Col("PURCHASER", "purchaser"), Col("MANUFACTURER", "make"),
           Col("MODEL", "model"), Col("CALIBER", "caliber"), Col("SERIAL NUMBER", "serial"),
           Col("FIREARM TYPE", "firearm_type"), Col("MULTIPLE SALE", "multiple_sale_report", "bool")))

ATF_TRACES = Layout(
    "atf_etrace_mexico", "firearm_traces", "eTrace results for firearms recovered in Mexico", "ATF", BOTH, (
        Col("TRACE NUMBER", "trace_id"), Col("RECOVERY DATE", "recovery_date", "date"),
        Col("RECOVERY COUNTRY", "recovery_country"), Col("RECOVERY STATE", "recovery_state"),
        Col("RECOVERY CITY", "recovery_city"), Col("MANUFACTURER", "make"), Col("MODEL", "model"),
        Col("CALIBER", "caliber"), Col("SERIAL NUMBER", "serial"), Col("POSSESSOR", "possessor"),
        Col("PURCHASER", "purchaser"), Col("FFL NUMBER", "ffl_id"), Col("PURCHASE DATE", "purchase_date", "date"),
        Col("TIME TO CRIME DAYS", None)))

OFAC = Layout(
    "ofac_sdn_excerpt", "designations", "Excerpt of counter-narcotics designations (scenario entries)", "OFAC", BOTH, (
        Col("ENT_NUM", "entry_id"), Col("SDN_NAME", "name"),
        Col("SDN_TYPE", "kind", values={"person": "individual", "company": "entity"}),
        Col("PROGRAMS", "programs", "list"), Col("AKA", "aliases", "list"), Col("DOB", "dob"),
        Col("IDS", "ids", "list"), Col("ADDRESSES", "addresses", "list"), Col("LISTED ON", "listed_on", "date")),
    constants={"list_name": "OFAC-SDN scenario excerpt"})

ALL = (US_PARTIES, MX_PARTIES, US_ACCOUNTS, MX_ACCOUNTS, US_TXNS, MX_TXNS, MSB_TXNS, US_EXPORTS, MX_IMPORTS,
       CBP_CROSSINGS, ANAM_CROSSINGS, CBP_SEIZURES, MX_SEIZURES, ATF_SALES, ATF_TRACES, OFAC)
