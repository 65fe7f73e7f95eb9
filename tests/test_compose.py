"""docker-compose.yml runs several workers (`docker compose up --scale worker=3`).

Read as text (no YAML parser among the dependencies, and no Docker here): what would
make a second replica fail to start."""
import re
from pathlib import Path

COMPOSE = Path(__file__).parents[1] / "docker-compose.yml"


def _service(name: str) -> list[str]:
    """The lines of one service, comments dropped."""
    lines = COMPOSE.read_text().splitlines()
    start = lines.index(f"  {name}:") + 1
    end = next((i for i in range(start, len(lines)) if re.match(r"  \S|\S", lines[i])), len(lines))
    return [line.split(" #")[0].rstrip() for line in lines[start:end] if not line.strip().startswith("#")]


def test_scaled_workers_each_get_a_host_port_of_their_own():
    # given the worker service's published ports
    ports = [line.strip() for line in _service("worker") if re.match(r'\s+- "\d', line)]
    # then a range of host ports, one per replica, for the one web port inside
    assert ports == ['- "127.0.0.1:6066-6075:6066"']


def test_scaled_workers_share_no_table_volume():
    # RocksDB locks its files: two replicas on one named volume at /data would clash
    mounts = [line.strip() for line in _service("worker") if ":/" in line and line.strip().startswith("- ")]
    assert mounts == ["- ./exports:/exports"]
