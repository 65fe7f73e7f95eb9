"""SIGTERM ends a deskstream command the way Ctrl-C does: the export being written is
not left behind as a hidden temp file (issue 14 item 11)."""
import os
import signal
import subprocess
import sys

# A command's way of ending on SIGTERM, around an export stopped half-way.
WRITER = """
import sys, time
from pathlib import Path
from sinks.destination import write_atomically
from streams.cli import stop_on_sigterm

def chunks():
    yield b"half"
    print("writing", flush=True)
    time.sleep(60)
    yield b"never"

stop_on_sigterm()
write_atomically(Path(sys.argv[1]), "report.csv", chunks())
"""


def test_sigterm_removes_the_temp_file_of_the_export_being_written(tmp_path):
    # given a command writing an export
    with subprocess.Popen([sys.executable, "-c", WRITER, str(tmp_path)], stdout=subprocess.PIPE, text=True) as writer:
        assert writer.stdout.readline() == "writing\n"
        assert len(os.listdir(tmp_path)) == 1  # its temp file
        # when
        writer.send_signal(signal.SIGTERM)
    # then it ends as a shell reports a SIGTERM, leaving nothing
    assert writer.returncode == 128 + signal.SIGTERM
    assert os.listdir(tmp_path) == []
