import numpy as np
import pyarrow as pa

from tenaza.ingest.mapping import Mapping
from tenaza.scenario.sources import catalogue as layouts
from tenaza.scenario.sources.layout import Col, Layout, format_days, format_decimal
from tenaza.schema import table


def test_mexican_formats() -> None:
    assert format_decimal(np.array([1234.5, -0.05, np.nan]), 2, ",").to_pylist() == ["1234,50", "-0,05", None]
    days = np.array(["2024-02-29", "NaT"], dtype="datetime64[D]")
    assert format_days(days, "%d/%m/%Y").to_pylist() == ["29/02/2024", None]


def test_render_spreads_timestamps_and_spanish_values() -> None:
    lay = Layout("x", "transactions", "", "UIF", ("MEX",), (
        Col("FECHA", "ts", "date_part"), Col("HORA", "ts", "time_part"),
        Col("TIPO", "channel", values={"wire": "TRANSFERENCIA"})), dates="dmy", date_format="%d/%m/%Y")
    ts = np.array([np.datetime64("2024-03-01T13:05:09").astype(np.int64)])
    out = lay.render({"ts": ts, "channel": pa.array(["wire"])}, 1)
    assert out.to_pylist() == [{"FECHA": "01/03/2024", "HORA": "13:05:09", "TIPO": "TRANSFERENCIA"}]
    m = lay.mapping()["columns"]
    assert m["ts"] == {"from": ["FECHA", "HORA"], "format": "%d/%m/%Y %H:%M:%S"}
    assert m["channel"]["values"] == {"TRANSFERENCIA": "wire"}


def test_every_layout_mapping_is_valid_for_its_table() -> None:
    for lay in layouts.ALL:
        spec = table(lay.table)
        mapping = Mapping.model_validate(lay.mapping())
        mapping.check_against(spec)  # raises on unknown canonical columns
        assert set(spec.required) <= set(mapping.columns), lay.name
        enum_values = {c.name: set(c.values) for c in spec.columns if c.values}
        for name, cmap in mapping.columns.items():
            if name in enum_values and cmap.values:
                assert set(cmap.values.values()) <= enum_values[name], (lay.name, name)


def test_some_files_are_releasable_to_one_country_only() -> None:
    single = {lay.name: lay.releasable_to for lay in layouts.ALL if len(lay.releasable_to) == 1}
    assert single == {"uif_movimientos": ("MEX",), "cbp_seizures": ("USA",), "sedena_aseguramientos": ("MEX",)}
