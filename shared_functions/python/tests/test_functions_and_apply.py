"""functions() and apply(): the registry and one batch, with the Swift tests' known values."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from sample_data import KNOWN_STATISTICS, KNOWN_STDDEV, KNOWN_VALUES

import shared_functions as sf


def test_functions_lists_both_functions_with_parameters():
    listed = {function["name"]: function for function in sf.functions()}
    assert set(listed) >= {"function_a", "function_b"}
    parameters = {parameter["name"]: parameter for parameter in listed["function_b"]["parameters"]}
    assert parameters["threshold"]["default"] == 3.5
    assert parameters["min_records"]["default"] == 8
    assert parameters["field"]["type"] == "string"
    assert listed["function_a"]["version"]


def known_records() -> list[dict]:
    return [{"ts": index * 10, "value": value} for index, value in enumerate(KNOWN_VALUES)]


def test_apply_gives_the_known_statistics():
    [output] = sf.apply("function_a", known_records())
    for name, expected in KNOWN_STATISTICS.items():
        assert output[name] == expected, name
    assert output["stddev"] == pytest.approx(KNOWN_STDDEV, rel=4e-16)
    assert output["p95"] == np.quantile(KNOWN_VALUES, 0.95)
    assert (output["first_event_time"], output["last_event_time"]) == (0, 90)


def test_apply_takes_a_dataframe_like_a_list():
    records = known_records()
    assert sf.apply("function_a", pd.DataFrame(records)) == sf.apply("function_a", records)


def test_apply_passes_parameters_and_key():
    records = [{"ts": index, "reading": value} for index, value in enumerate([10, 10.1, 9.9, 10, 10.2, 9.8, 10, 40])]
    [anomaly] = sf.apply("function_b", records, key="sensor-1", field="reading", min_records=5)
    assert anomaly["value"] == 40 and anomaly["key"] == "sensor-1"


def test_apply_with_a_window_refuses_records_outside_it():
    with pytest.raises(sf.SharedFunctionsError) as raised:
        sf.apply("function_a", known_records(), window=(0, 50))
    assert raised.value.kind == "invalid_record"
    assert raised.value.context["row"] == 5
    start = pd.Timestamp(0, unit="ms", tz="UTC")
    [output] = sf.apply("function_a", known_records(), window=(start, start + pd.Timedelta("1s")))
    assert output["count"] == 10


@pytest.mark.parametrize(
    ("call", "kind", "context"),
    [
        (lambda: sf.apply("function_z", known_records()), "unknown_function", {}),
        (lambda: sf.apply("function_a", known_records(), colour="red"), "unknown_parameter", {"parameter": "colour"}),
        (lambda: sf.apply("function_a", known_records(), field=3), "invalid_parameter_type", {"parameter": "field"}),
        (lambda: sf.apply("function_b", known_records(), threshold=-1), "invalid_parameter_value", {"parameter": "threshold"}),
        (lambda: sf.apply("function_a", [{"ts": 1, "value": 1}, {"ts": 2, "value": "x"}]), "invalid_record", {"row": 1}),
        (lambda: sf.apply("function_a", [{"value": 1}]), "invalid_record", {"row": 0}),
        (lambda: sf.apply("function_a", [{"ts": "2024-01-01T00:00:00", "value": 1}]), "invalid_record", {"row": 0}),
        (lambda: sf.apply("function_a", known_records(), window=(5, 5)), "invalid_window", {}),
        (lambda: sf.apply("function_a", known_records(), window=(pd.Timestamp("2024-01-01"), 5)), "invalid_request", {}),
        (lambda: sf.apply("function_a", "not records"), "invalid_request", {}),
        (lambda: sf.apply("function_a", [1, 2]), "invalid_record", {"row": 0}),
    ],
)
def test_apply_errors_carry_the_swift_kind_message_and_context(call, kind, context):
    with pytest.raises(sf.SharedFunctionsError) as raised:
        call()
    assert raised.value.kind == kind
    assert raised.value.message
    for name, value in context.items():
        assert raised.value.context[name] == value
