"""DESKSTREAM_EVENT_TIME_WINDOW: the days events may be dated, as the codec reads them."""
from datetime import UTC, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner

from events.base import DEFAULT_TIME_WINDOW
from streams.cli import main
from streams.settings import Settings, SettingsError

EXAMPLE = Path(__file__).parents[2] / "examples" / "events.ndjson"


def test_event_time_window_defaults_to_1970_until_2100():
    assert Settings().time_window == DEFAULT_TIME_WINDOW
    assert str(DEFAULT_TIME_WINDOW) == "1970-01-01/2100-01-01"


def test_event_time_window_reads_two_days_from_the_environment():
    # given
    environ = {"DESKSTREAM_EVENT_TIME_WINDOW": "2020-01-01/2031-01-01"}
    # when
    window = Settings.from_env(environ).time_window
    # then midnight UTC of each day, the end excluded
    assert window == (datetime(2020, 1, 1, tzinfo=UTC), datetime(2031, 1, 1, tzinfo=UTC))


@pytest.mark.parametrize("text", ["2020", "2031-01-01/2020-01-01", "2020-01-01/2020-01-01",
                                  "1800-01-01/2000-01-01", "2000-01-01/9999-12-31", "2020-01-01/later"])
def test_event_time_window_refuses_what_it_cannot_use_naming_the_variable(text):
    with pytest.raises(SettingsError, match=rf"^DESKSTREAM_EVENT_TIME_WINDOW: expected two days as start/end.*got '{text}'"):
        Settings.from_env({"DESKSTREAM_EVENT_TIME_WINDOW": text})


def test_event_time_window_setting_narrows_what_replay_accepts(tmp_path):
    # given a log of 2026 and one event of 2019, and a window from 2020
    log = tmp_path / "events.ndjson"
    lines = EXAMPLE.read_text().splitlines()
    lines.append(lines[-1].replace('"occurred_at":"2026-', '"occurred_at":"2019-').replace('"event_id":"', '"event_id":"x', 1))
    log.write_text("\n".join(lines) + "\n")
    # when
    result = CliRunner().invoke(main, ["replay", str(log), "--out", str(tmp_path / "out"), "--export", "ticket-metrics"],
                                env={"DESKSTREAM_EVENT_TIME_WINDOW": "2020-01-01/2031-01-01"})
    # then the 2019 event is the one bad record, named by its line, and the rest replays
    assert result.exit_code == 0, result.output
    assert f"{log} line {len(lines)}: Expected a time within 2020-01-01/2031-01-01" in result.output
    assert "1 record rejected (1 time outside the event time window)" in result.output
