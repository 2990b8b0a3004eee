"""``python -m cp_mock`` / ``cp-mock``: ``demo`` shows the mock end to end, ``server``
serves it over HTTP."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

SERVER_EXTRA_MODULES = {"flask", "flask_cors"}  # what the server extra installs
# cp-mock is not published yet, so the extra cannot be named by the package's name
SERVER_EXTRA_MISSING = (
    "cp-mock server needs the server extra: pip install flask flask-cors"
    " (from a clone: pip install -e '.[server]')"
)


def demo() -> int:
    """Create a domain, two profiles and a key, then search them, all under the mock."""
    import boto3

    from . import mock_customerprofiles

    with mock_customerprofiles():
        client = boto3.client("customer-profiles", region_name="us-east-1")
        client.create_domain(DomainName="demo", DefaultExpirationDays=365)
        print("created domain 'demo'")
        jane = client.create_profile(
            DomainName="demo",
            FirstName="Jane",
            LastName="Doe",
            PhoneNumber="+15550100",
            EmailAddress="jane@example.com",
        )["ProfileId"]
        john = client.create_profile(
            DomainName="demo", FirstName="John", LastName="Doe", MobilePhoneNumber="+15550100"
        )["ProfileId"]
        print(f"created profiles {jane} (Jane) and {john} (John)")
        client.add_profile_key(
            DomainName="demo", ProfileId=jane, KeyName="_ctrContactId", Values=["contact-1"]
        )
        for key, value in (
            ("_phone", "+15550100"),
            ("_email", "jane@example.com"),
            ("_fullName", "John Doe"),
            ("_ctrContactId", "contact-1"),
        ):
            found = client.search_profiles(DomainName="demo", KeyName=key, Values=[value])
            names = [f"{p['FirstName']} {p['LastName']}" for p in found["Items"]]
            print(f"search {key}={value!r}: {names}")
        stats = client.get_domain(DomainName="demo")["Stats"]
        print(f"domain stats: {stats['ProfileCount']} profiles")
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="cp-mock", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("demo", help="run a short end-to-end demo under the mock")
    server = commands.add_parser(
        "server", help="serve Customer Profiles and every moto service over HTTP"
    )
    server.add_argument("--host", default="127.0.0.1", help="address to bind (loopback)")
    server.add_argument("--port", type=int, default=5000, help="port (0: any free port)")
    server.add_argument(
        "--state",
        metavar="FILE",
        help="load the state from FILE at start (when it exists), write it there at shutdown",
    )
    arguments = parser.parse_args(argv)
    if arguments.command == "demo":
        return demo()
    if arguments.command == "server":
        try:
            from .server import serve
        except ModuleNotFoundError as missing:
            if (missing.name or "").split(".")[0] not in SERVER_EXTRA_MODULES:
                raise
            print(SERVER_EXTRA_MISSING, file=sys.stderr)
            return 2
        try:
            return serve(arguments.host, arguments.port, state_file=arguments.state)
        except ValueError as refused:  # the --state file is not a dump this version loads
            print(f"cp-mock server: cannot load {arguments.state}: {refused}", file=sys.stderr)
            return 2
    return 2  # pragma: no cover - argparse rejects unknown commands


if __name__ == "__main__":
    sys.exit(main())
