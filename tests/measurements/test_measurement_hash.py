import polars as pl

from cellbench.measurements import Measurement


def make(voltage):
    return Measurement(pl.DataFrame({"test_time_second": [0.0, 1.0], "voltage_volt": voltage, "current_ampere": [1.0, 1.0]}))


def test_hash_ignores_buffer_layout_and_survives_parquet(tmp_path):
    plain = make([3.0, 3.1])
    # a column sliced out of a longer one carries a validity bitmap and an offset, yet holds the same data
    sliced = make(pl.Series([3.0, 3.1, None], dtype=pl.Float64).head(2))
    assert plain.content_hash() == sliced.content_hash()
    path = plain.to_parquet(tmp_path / "m.parquet")
    assert Measurement.from_parquet(path).content_hash() == plain.content_hash()


def test_hash_changes_with_a_value_or_a_null():
    assert make([3.0, 3.1]).content_hash() != make([3.0, 3.2]).content_hash()
    assert make([3.0, 0.0]).content_hash() != make(pl.Series([3.0, None], dtype=pl.Float64)).content_hash()
