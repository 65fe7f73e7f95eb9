"""The Kafka broker's jars from Maven Central, and the Java that runs them.

The jar list is `.ci/kafka/pom.xml`; `fetch()` copies the jars with Maven into a cache
folder: `.cache/kafka-jars` in the repo, or `$DESKSTREAM_KAFKA_CACHE`.
"""
import fcntl
import hashlib
import os
import re
import shutil
import subprocess
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
POM = REPO / ".ci" / "kafka" / "pom.xml"
COMPLETE_MARKER = ".complete"  # holds the pom's hash: a half-done or outdated fetch lacks it


class BrokerError(RuntimeError):
    """The broker could not be fetched, started or stopped; the message says why."""


def jar_cache() -> Path:
    return Path(os.environ.get("DESKSTREAM_KAFKA_CACHE") or REPO / ".cache" / "kafka-jars")


def _pom_hash() -> str:
    return hashlib.sha256(POM.read_bytes()).hexdigest()


def _complete(cache: Path) -> bool:
    marker = cache / COMPLETE_MARKER
    return marker.is_file() and marker.read_text().strip() == _pom_hash()


def fetch(cache: Path | None = None) -> Path:
    """Copy the broker jars into `cache` with Maven, unless it already holds them."""
    cache = cache or jar_cache()
    if _complete(cache):
        return cache
    mvn = shutil.which("mvn")
    if mvn is None:
        raise BrokerError("mvn not found: fetching Kafka's broker jars needs Apache Maven")
    cache.parent.mkdir(parents=True, exist_ok=True)
    # Two test sessions may start at once: one fetches, the other waits and reuses it.
    with open(cache.with_name(cache.name + ".lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not _complete(cache):
            _copy_dependencies(mvn, cache)
    return cache


def _copy_dependencies(mvn: str, cache: Path) -> None:
    # Fill a sibling folder, then swap it in, so an interrupted fetch never looks complete.
    partial = cache.with_name(cache.name + ".partial")
    shutil.rmtree(partial, ignore_errors=True)
    partial.mkdir()
    command = [mvn, "-q", "-B", "-ntp", "-f", str(POM), "dependency:copy-dependencies",
               "-DincludeScope=runtime", f"-DoutputDirectory={partial}"]
    done = subprocess.run(command, capture_output=True, text=True)
    if done.returncode != 0 or not list(partial.glob("kafka_2.13-*.jar")):
        output = "\n".join((done.stdout + done.stderr).strip().splitlines()[-30:])
        raise BrokerError(f"mvn could not fetch the Kafka jars (exit {done.returncode}):\n{output}")
    (partial / COMPLETE_MARKER).write_text(_pom_hash() + "\n")
    shutil.rmtree(cache, ignore_errors=True)
    partial.rename(cache)


def find_java() -> str:
    """The java executable ($JAVA_HOME's, else on PATH), checked to be 17 or newer."""
    home = os.environ.get("JAVA_HOME")
    java = str(Path(home) / "bin" / "java") if home else shutil.which("java")
    if not java or not Path(java).exists():
        where = f" in JAVA_HOME={home}" if home else ""
        raise BrokerError(f"java not found{where}: Kafka's broker needs Java 17+")
    out = subprocess.run([java, "-version"], capture_output=True, text=True).stderr
    found = re.search(r'version "(\d+)', out)
    if not found or int(found.group(1)) < 17:
        raise BrokerError(f"{java} is not Java 17+, which Kafka's broker needs: {out.strip()}")
    return java
