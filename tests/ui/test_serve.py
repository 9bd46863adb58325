"""`workbench serve`: safe defaults and the Voila command line it runs (no server started here)."""

import socket
from pathlib import Path

import pytest

from workbench.cli import main
from workbench.errors import InputError, WorkbenchError
from workbench.serve import ServeOptions, build_command, check_options, serve, urls

NOTEBOOKS = Path(__file__).resolve().parents[2] / "notebooks"


def test_token_is_on_by_default_and_random():
    a = check_options(ServeOptions(notebooks=NOTEBOOKS))
    b = check_options(ServeOptions(notebooks=NOTEBOOKS))
    assert len(a.token) >= 24 and a.token != b.token
    assert f"--Voila.token={a.token}" in build_command(a)
    assert urls(a)["index"].endswith(f"/voila/render/index.ipynb?token={a.token}")


def test_no_token_only_on_loopback():
    opts = check_options(ServeOptions(notebooks=NOTEBOOKS, no_token=True))
    assert opts.token == "" and "--Voila.token=" in build_command(opts)
    with pytest.raises(InputError) as caught:
        check_options(ServeOptions(notebooks=NOTEBOOKS, no_token=True, ip="0.0.0.0"))
    assert caught.value.field == "--no-token"


def test_command_serves_the_directory_safely():
    cmd = build_command(check_options(ServeOptions(notebooks=NOTEBOOKS, port=9999, pool_size=2)))
    assert str(NOTEBOOKS) in cmd  # the folder: index.ipynb and the tree list the apps
    for flag in (
        "--strip_sources=True",
        "--show_tracebacks=False",
        "--preheat_kernel=True",
        "--pool_size=2",
        "--port=9999",
        "--Voila.ip=127.0.0.1",
        "--Voila.port_retries=0",
        "--no-browser",
        "--MappingKernelManager.cull_idle_timeout=900",
        "--MappingKernelManager.cull_interval=60",
    ):
        assert flag in cmd
    assert "--preheat_kernel=False" in build_command(check_options(ServeOptions(notebooks=NOTEBOOKS, pool_size=0)))


def test_bad_options_are_refused(tmp_path):
    with pytest.raises(InputError, match="--notebooks"):
        check_options(ServeOptions(notebooks=tmp_path / "missing"))
    with pytest.raises(InputError, match="--port"):
        check_options(ServeOptions(notebooks=NOTEBOOKS, port=70000))


def test_a_busy_port_is_an_error_not_another_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen(1)
        port = sock.getsockname()[1]
        with pytest.raises(WorkbenchError, match=f"port {port}"):
            serve(ServeOptions(notebooks=NOTEBOOKS, port=port))


def test_cli_refuses_no_token_on_the_network(capsys):
    assert main(["serve", "--no-token", "--ip", "0.0.0.0"]) == 2
    assert "--no-token" in capsys.readouterr().err


def test_generated_tokens_are_safe_on_a_command_line():
    """A random URL-safe token once began with "-" and `--token <it>` was read as an option."""
    from workbench.cli import build_parser
    from workbench.serve import new_token

    assert all(set(new_token()) <= set("0123456789abcdef") for _ in range(200))
    assert build_parser().parse_args(["serve", "--token=-abc123"]).token == "-abc123"
