"""clients/python installs as a package (pyproject.toml): a wheel built offline from a copy of the
tree, installed into a fresh venv, imports with its stubs from there."""

import shutil
import subprocess
import sys

from conftest import CLIENT_DIR


def test_wheel_installs_and_imports(tmp_path):
    src = tmp_path / "src"
    shutil.copytree(CLIENT_DIR, src, ignore=shutil.ignore_patterns("tests", "__pycache__", "build", "*.egg-info"))
    wheels = tmp_path / "wheels"
    build = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "--no-index",
                            "-w", str(wheels), str(src)], capture_output=True, text=True)
    assert build.returncode == 0, build.stdout + build.stderr
    [wheel] = list(wheels.glob("sctrace_client-*.whl"))
    venv = tmp_path / "venv"
    # --system-site-packages: grpcio and protobuf come from Debian, as there is no index here.
    subprocess.run([sys.executable, "-m", "venv", "--system-site-packages", str(venv)], check=True)
    install = subprocess.run([str(venv / "bin/pip"), "install", "--no-deps", "--no-index", str(wheel)],
                             capture_output=True, text=True)
    assert install.returncode == 0, install.stdout + install.stderr
    probe = subprocess.run(
        [str(venv / "bin/python"), "-c",
         "import sctrace, sctrace.v1.tracer_pb2_grpc as g; print(sctrace.__file__); print(g.TracerStub.__name__)"],
        capture_output=True, text=True, cwd=tmp_path,
    )
    assert probe.returncode == 0, probe.stderr
    where, stub = probe.stdout.split()
    assert where.startswith(str(venv)) and stub == "TracerStub"
