"""`statute serve` for real: the command starts uvicorn on 127.0.0.1 on a free port, and
the server answers over the loopback; bad options exit 2 with a message, no traceback."""
from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

pytest.importorskip("uvicorn")

ROOT = Path(__file__).resolve().parents[3]
GOOD = ROOT / "tests" / "fixtures" / "rulebooks" / "good"


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _serve(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "engine.cli", "serve", *args], cwd=ROOT,
                          capture_output=True, text=True, timeout=60,
                          env={**os.environ, "PYTHONPATH": str(ROOT)})


def test_the_real_server_answers_on_the_loopback() -> None:
    port = _free_port()
    proc = subprocess.Popen([sys.executable, "-m", "engine.cli", "serve", str(GOOD / "minimal"),
                             "--host", "127.0.0.1", "--port", str(port)], cwd=ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            env={**os.environ, "PYTHONPATH": str(ROOT)})
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            try:
                with urllib.request.urlopen(base + "/healthz", timeout=2) as r:
                    health = json.load(r)
                break
            except (urllib.error.URLError, ConnectionError):
                if proc.poll() is not None:
                    pytest.fail(proc.stderr.read().decode() if proc.stderr else "exited")
                time.sleep(0.05)
        else:
            pytest.fail("the server did not answer within 15 s")
        assert health["status"] == "ok" and list(health["rulebooks"]) == ["test/library-fines"]
        req = urllib.request.Request(
            base + "/rulebooks/test/library-fines/decide", method="POST",
            headers={"Content-Type": "application/json"},
            data=json.dumps({"on": "2020-03-01", "facts": {"loan": {
                "due_date": "2020-02-20", "return_date": "2020-02-25"}}}).encode())
        with urllib.request.urlopen(req, timeout=10) as r:
            body = json.load(r)
            assert r.headers["Statute-Rulebook-Hash"] == body["rulebook_hash"]
        assert body["decisions"]["late_return_fine"]["status"] == "determined"
        with pytest.raises(urllib.error.HTTPError) as e:
            urllib.request.urlopen(base + "/rulebooks/test/library-fine", timeout=10)
        assert e.value.code == 404
        assert json.load(e.value)["suggestion"] == "test/library-fines"
    finally:
        proc.terminate()
        proc.wait(15)


def test_bad_options_exit_2_with_a_message() -> None:
    r = _serve(str(ROOT / "no-such-folder"))
    assert r.returncode == 2 and "no such folder" in r.stderr and "Traceback" not in r.stderr
    r = _serve(str(GOOD / "minimal"), "--deadline", "0")
    assert r.returncode == 2 and "--deadline must be above 0" in r.stderr
    r = _serve(str(GOOD / "minimal"), "--cors-origin", "*")
    assert r.returncode == 2 and "'*' is refused" in r.stderr
