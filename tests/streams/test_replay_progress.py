"""What a replay shows while it runs: bars on a terminal, nothing but its summary elsewhere."""
import io
import re
from pathlib import Path

from click.testing import CliRunner

from projections.state import ProjectionState
from streams.cli import main
from streams.replay_progress import ReplayProgress
from tests.projections.tickets_story import at, created, status

ROOT = Path(__file__).parents[2]


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_off_a_terminal_is_the_summary_line_alone(tmp_path):
    # when stderr is not a terminal (CliRunner's is not)
    result = CliRunner().invoke(main, ["replay", str(ROOT / "examples" / "events.ndjson"), "--out", str(tmp_path)])
    # then
    assert result.exit_code == 0, result.output
    assert [line.split(":")[0] for line in result.stderr.splitlines()] == ["summary"]


def test_progress_off_a_terminal_draws_nothing():
    # given
    stream = io.StringIO()
    progress = ReplayProgress(stream)
    # when
    events = list(progress.counted(iter(range(3))))
    with progress.reading(100) as read:
        read(100)
    with progress.writing(["ticket-metrics"]) as written:
        written("ticket-metrics")
    # then
    assert events == [0, 1, 2]
    assert stream.getvalue() == ""
    assert progress.events == 0  # not even counted


def test_progress_reading_on_a_terminal_shows_the_share_read_and_events_a_second():
    # given
    terminal = Terminal()
    progress = ReplayProgress(terminal)
    # when 3 events are read from the first half of the bytes
    with progress.reading(1000) as read:
        for _ in progress.counted(iter(range(3))):
            pass
        read(500)
        drawn = terminal.getvalue()
    # then
    assert "Reading" in drawn
    assert " 50% " in drawn
    assert re.search(r"3 events, [\d,]+ events/s", drawn)


def test_progress_writing_on_a_terminal_shows_exports_done_and_the_last_one():
    # given
    terminal = Terminal()
    progress = ReplayProgress(terminal)
    # when
    with progress.writing(["zendesk-xml", "zendesk-csv"]) as written:
        written("zendesk-csv")
        drawn = terminal.getvalue()
    # then
    assert "Writing" in drawn
    assert "1/2" in drawn
    assert "zendesk-csv written" in drawn


def test_progress_folding_on_a_terminal_shows_the_share_of_the_read_events_folded():
    # given a log read and not folded yet: 4 events of two tickets
    state = ProjectionState()
    state.fold([created(at("03-02 09:00"), ticket_id=1), status(at("03-02 10:00"), "open", ticket_id=1),
                created(at("03-02 09:30"), ticket_id=2), status(at("03-02 11:00"), "solved", ticket_id=2)])
    terminal = Terminal()
    progress = ReplayProgress(terminal)
    # when it is settled under the bar, the bar drawn after the first ticket's events
    drawn = []
    with progress.folding(state.waiting_events) as folded:
        state.settle(lambda count: (folded(count), drawn.append(terminal.getvalue())))
    # then
    assert state.waiting_events == 0
    assert "Folding" in drawn[0] and " 50% " in drawn[0]
    assert re.search(r"[\d,]+ events/s", drawn[0])
