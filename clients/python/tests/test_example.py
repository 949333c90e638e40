"""examples/follow.py runs as documented against a live sctraced."""

import subprocess
import sys

from conftest import CLIENT_DIR


def test_follow_example_traces_a_command(service):
    run = subprocess.run(
        [sys.executable, str(CLIENT_DIR / "examples" / "follow.py"), "--server", service.address, "--", "/bin/cat", "/etc/hostname"],
        capture_output=True, text=True, timeout=60,
    )
    assert run.returncode == 0, run.stderr
    lines = run.stdout.splitlines()
    assert any(" exec /usr/bin/cat " in l or " exec /bin/cat " in l for l in lines), run.stdout
    assert any("openat(AT_FDCWD, \"/etc/hostname\"" in l or ("openat(" in l and "/etc/hostname" in l) for l in lines), run.stdout
    assert "exit code=0" in lines[-1], run.stdout
    assert "stopped:" in run.stderr
