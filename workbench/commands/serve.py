"""``workbench serve``: the apps in notebooks/ under Voila, with a token printed at start."""

from __future__ import annotations

from pathlib import Path

from workbench.serve import ServeOptions, default_notebooks_dir, serve


def register(sub) -> None:
    parser = sub.add_parser("serve", help="serve the apps (Voila over notebooks/); prints the URL with its token")
    parser.add_argument("--port", type=int, default=8866, help="TCP port (default 8866)")
    parser.add_argument(
        "--ip", default="127.0.0.1", help="address to listen on (default 127.0.0.1; 0.0.0.0 for the network)"
    )
    parser.add_argument("--no-token", action="store_true", help="no authentication; only allowed on 127.0.0.1")
    parser.add_argument("--token", help="use this token instead of a fresh random one")
    parser.add_argument("--db", metavar="URL", help="database URL (default $WORKBENCH_DB_URL)")
    parser.add_argument("--notebooks", metavar="DIR", help="folder of app notebooks (default notebooks/)")
    parser.add_argument("--pool-size", type=int, default=1, help="preheated kernels per notebook (0: none; default 1)")
    parser.add_argument(
        "--cull-idle-timeout", type=int, default=900, help="seconds before an idle kernel is shut down (default 900)"
    )
    parser.set_defaults(func=run)


def run(args) -> int:
    opts = ServeOptions(
        notebooks=Path(args.notebooks) if args.notebooks else default_notebooks_dir(),
        port=args.port,
        ip=args.ip,
        token=args.token,
        no_token=args.no_token,
        db_url=args.db,
        pool_size=args.pool_size,
        cull_idle_timeout=args.cull_idle_timeout,
    )
    return serve(opts)
