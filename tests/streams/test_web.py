"""The HTTP endpoint's rules, without a server: token, requester, downloads, bounded memory."""
import pytest
from click.testing import CliRunner
from multidict import MultiDict

from streams.cli import main
from streams.settings import Settings, SettingsError
from streams.web import Recent, authorized, is_loopback, require_web_token, served_file, snapshot_request

TOKEN = "s3cret-token"


@pytest.mark.parametrize(
    "header, allowed",
    [
        ("Bearer s3cret-token", True),
        ("bearer s3cret-token", True),  # the scheme is case-insensitive (RFC 7235)
        ("Bearer wrong", False),
        ("Bearer s3cret-token-and-more", False),
        ("Basic s3cret-token", False),
        ("s3cret-token", False),
        (None, False),
    ],
)
def test_web_token_is_required_once_configured(header, allowed):
    assert authorized(header, TOKEN) is allowed


def test_web_token_absent_lets_every_request_in():
    assert authorized(None, "")


@pytest.mark.parametrize(
    "host, loopback",
    [("127.0.0.1", True), ("127.0.0.2", True), ("::1", True), ("localhost", True),
     ("0.0.0.0", False), ("::", False), ("10.0.0.5", False), ("worker.internal", False)],
)
def test_web_host_is_loopback_only_for_loopback_addresses(host, loopback):
    assert is_loopback(host) is loopback


def test_web_token_is_required_to_listen_beyond_loopback():
    with pytest.raises(SettingsError, match=r"^DESKSTREAM_WEB_TOKEN: required when the HTTP endpoint listens on '0\.0\.0\.0'"):
        require_web_token(Settings(web_host="0.0.0.0"))


@pytest.mark.parametrize("settings", [Settings(web_host="127.0.0.1"), Settings(web_host="0.0.0.0", web_token=TOKEN)])
def test_web_token_is_not_required_on_loopback_or_once_set(settings):
    require_web_token(settings)  # no error


def test_web_download_serves_only_files_inside_the_export_directory(tmp_path):
    # given
    exports = tmp_path / "exports"
    (exports / "r1").mkdir(parents=True)
    (exports / "r1" / "a.csv").write_text("x")
    (tmp_path / "secret.txt").write_text("no")
    (exports / "r1" / "link.csv").symlink_to(tmp_path / "secret.txt")
    # then
    assert served_file(str(exports / "r1" / "a.csv"), exports) == (exports / "r1" / "a.csv").resolve()
    assert served_file(str(exports / "r1" / ".." / ".." / "secret.txt"), exports) is None
    assert served_file(str(exports / "r1" / "link.csv"), exports) is None
    assert served_file(str(exports / "r1" / "gone.csv"), exports) is None


def test_web_remembered_requests_are_bounded_oldest_dropped():
    # given
    recent = Recent(3)
    # when
    for request_id in ("a", "b", "c", "d"):
        recent[request_id] = None
    recent["b"] = None  # set again: the newest now
    recent["e"] = None
    # then
    assert list(recent) == ["d", "b", "e"]


def test_web_requester_header_goes_into_the_export_request():
    # when
    command = snapshot_request("zendesk-csv", MultiDict({"timezone": "Europe/Paris"}), "UTC", "claire@nimbus.example")
    # then
    assert command.request.requester == "claire@nimbus.example"
    assert command.request.time_zone == "Europe/Paris"


def test_web_token_missing_off_loopback_stops_the_worker_before_it_starts():
    # when
    result = CliRunner().invoke(main, ["worker"], env={"DESKSTREAM_WEB_HOST": "0.0.0.0", "DESKSTREAM_WEB_TOKEN": ""})
    # then
    assert result.exit_code == 2
    (line,) = [line for line in result.output.splitlines() if line.startswith("Error:")]
    assert line.startswith("Error: DESKSTREAM_WEB_TOKEN: required when the HTTP endpoint listens on '0.0.0.0'")
