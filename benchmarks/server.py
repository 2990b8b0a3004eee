"""Benchmark 8: server mode beside moto's own server, in one run.

Two servers, each in its own process: ``cp-mock server --port 0`` and moto's server
(``moto.server.main``, what ``moto_server`` runs, in a process that imported cp_mock so
that moto's own machinery serves the same Customer Profiles calls). Both log a line per
request, as they do when run. Measured round by round, the servers and the in-process
candidate alternating:

- connections kept alive: three requests on one ``http.client`` connection; kept alive
  when the socket is the same for all three and no answer says ``Connection: close``;
- one client's call: a boto3 client (in a client process of its own) making the calls one
  after another, against each server, and in process the HTTP way (in another process,
  under the mock with ``CP_MOCK_DIRECT_CALLS=0``: botocore signs, and the request is
  served at ``before-send``, with no socket); every client made once and kept, as a
  suite keeps its clients;
  target: cp-mock server at most 3x the in-process HTTP way;
- 16 boto3 clients in threads, each client its own connection pool, running for a fixed
  time: calls/s; target: at least 3x moto's server. The threads run in client processes
  (``--client-processes``, 2 by default): the GIL of one Python process caps what boto3
  itself can send (about 1/0.8 ms on this machine), below 3x moto's server; the row for
  one process shows that cap.

Workloads: GetDomain; and a mix of PutProfileObject (each a new object, matched to one of
20 profiles per thread by email) and SearchProfiles by that email, half each. Every answer
is checked. Each round starts each server from a reset and a new domain. A ratio is the
median of the rounds' ratios, each of two figures measured one after the other, with
their range: on a shared machine the load changes from round to round.

``--also waitress,cheroot`` serves cp_mock's application under those servers too (when
installed), as docs/server.md compares them.
"""

from __future__ import annotations

import argparse
import http.client
import itertools
import json
import multiprocessing
import os
import socket
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

import boto3

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _fixtures import order_type  # noqa: E402
from _timing import table  # noqa: E402

CREDENTIALS = {"aws_access_key_id": "testing", "aws_secret_access_key": "testing"}
DOMAIN = "bench"
ORDER_TYPE = order_type("email")
THREADS = 16
# how each server is started: {port} is a free port; None for cp-mock, which prints its own
MOTO_SERVER = "import cp_mock, moto.server; moto.server.main(['-H', '127.0.0.1', '-p', '{port}'])"
OTHER_SERVERS = {
    "waitress": "import logging, waitress; from cp_mock.server import application; "
    "logging.getLogger('waitress').setLevel(logging.ERROR); "
    "waitress.serve(application(), host='127.0.0.1', port={port}, threads=16)",
    "cheroot": "from cheroot import wsgi; from cp_mock.server import application; "
    "wsgi.Server(('127.0.0.1', {port}), application(), numthreads=16).safe_start()",
}


def client_for(endpoint: str | None) -> Any:
    return boto3.client(
        "customer-profiles", region_name="us-east-1", endpoint_url=endpoint, **CREDENTIALS
    )


# -- workloads: one call each, its answer checked ----------------------------------------
class Workload:
    """Calls of one workload for one thread: ``call()`` makes the next and returns how
    many calls it made (1)."""

    def __init__(self, name: str, client: Any, tag: str) -> None:
        self.client, self.tag, self.count = client, tag, itertools.count()
        self.call: Callable[[], int] = getattr(self, name)

    def get_domain(self) -> int:
        assert self.client.get_domain(DomainName=DOMAIN)["DomainName"] == DOMAIN
        return 1

    def put_and_search(self) -> int:
        n = next(self.count)
        email = f"{self.tag}-{n // 2 % 20}@example.com"  # put at n, searched at n + 1
        if n % 2 == 0:
            order = json.dumps({"id": f"{self.tag}-{n}", "email": email})
            put = self.client.put_profile_object(
                DomainName=DOMAIN, ObjectTypeName="Order", Object=order
            )
            assert put["ProfileObjectUniqueKey"]
        else:
            found = self.client.search_profiles(DomainName=DOMAIN, KeyName="_email", Values=[email])
            assert [p["EmailAddress"] for p in found["Items"]] == [email]
        return 1


WORKLOADS = {"GetDomain": "get_domain", "PutProfileObject/SearchProfiles": "put_and_search"}


# -- client processes ------------------------------------------------------------------
def client_process(commands: Connection, number: int, in_process: bool = False) -> None:
    """Run what the benchmark asks, with boto3 only (no mock, no moto) in the process; or,
    ``in_process``, with the mock answering the HTTP way (``CP_MOCK_DIRECT_CALLS=0``)."""
    clients: dict[tuple[str | None, int], Any] = {}
    if in_process:
        os.environ["CP_MOCK_DIRECT_CALLS"] = "0"
        import cp_mock

        cp_mock.mock_customerprofiles().start()  # for the process's life

    def client(endpoint: str | None, thread: int) -> Any:
        if (endpoint, thread) not in clients:
            clients[endpoint, thread] = client_for(endpoint)
        return clients[endpoint, thread]

    while True:
        command = commands.recv()
        if command is None:
            return
        kind, endpoint, workload, argument = command
        if kind == "fresh":  # in process: what a reset over HTTP does for a server
            cp_mock.get_backend(region="us-east-1").reset()
            fresh_domain(client(None, -1), reset=False)
            commands.send("fresh")
        elif kind == "calls":  # one client, one call after another: seconds a call
            work = Workload(WORKLOADS[workload], client(endpoint, -1), f"p{number}-s")
            for _ in range(3):
                work.call()
            started = time.perf_counter()
            for _ in range(argument):
                work.call()
            commands.send((time.perf_counter() - started) / argument)
        elif kind == "threads":  # (threads, seconds): calls made in that time
            threads, seconds = argument
            works = [
                Workload(WORKLOADS[workload], client(endpoint, t), f"p{number}-t{t}")
                for t in range(threads)
            ]
            for work in works:
                work.call()  # a connection each before the clock starts
            commands.send("ready")
            commands.send(run_threads(works, commands.recv(), seconds))


def run_threads(works: list[Workload], start: float, seconds: float) -> int:
    """Calls the workloads make, one thread each, from ``start`` for ``seconds``."""
    made = [0] * len(works)

    def run(thread: int) -> None:
        time.sleep(max(0.0, start - time.time()))
        calls = 0
        while time.time() < start + seconds:
            calls += works[thread].call()
        made[thread] = calls

    running = [threading.Thread(target=run, args=(t,)) for t in range(len(works))]
    for thread in running:
        thread.start()
    for thread in running:
        thread.join()
    return sum(made)


class ClientProcesses:
    def __init__(self, count: int) -> None:
        context = multiprocessing.get_context("spawn")
        self.pipes = []
        self.processes = []
        for number in range(count + 1):  # the last: in process, the HTTP way
            ours, theirs = context.Pipe()
            process = context.Process(
                target=client_process, args=(theirs, number, number == count), daemon=True
            )
            process.start()
            self.pipes.append(ours)
            self.processes.append(process)
        self.in_process = self.pipes.pop()

    def calls(self, endpoint: str | None, workload: str, count: int) -> float:
        """Seconds a call of one client, against ``endpoint`` or (None) in process."""
        pipe = self.pipes[0] if endpoint is not None else self.in_process
        pipe.send(("calls", endpoint, workload, count))
        return float(pipe.recv())

    def fresh_in_process(self) -> None:
        self.in_process.send(("fresh", None, None, None))
        assert self.in_process.recv() == "fresh"

    def throughput(self, endpoint: str, workload: str, processes: int, seconds: float) -> float:
        """Calls/s of THREADS clients in threads, spread over ``processes`` processes."""
        pipes = self.pipes[:processes]
        for number, pipe in enumerate(pipes):
            threads = THREADS // processes + (number < THREADS % processes)
            pipe.send(("threads", endpoint, workload, (threads, seconds)))
        assert [pipe.recv() for pipe in pipes] == ["ready"] * processes
        start = time.time() + 0.05
        for pipe in pipes:
            pipe.send(start)
        return sum(pipe.recv() for pipe in pipes) / seconds

    def close(self) -> None:
        for pipe in [*self.pipes, self.in_process]:
            pipe.send(None)
        for process in self.processes:
            process.join(timeout=10)


# -- servers ---------------------------------------------------------------------------
def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def start_cp_mock_server() -> tuple[subprocess.Popen[str], str]:
    process = subprocess.Popen(
        [sys.executable, "-m", "cp_mock", "server", "--port", "0"],
        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
    )  # fmt: skip
    banner = process.stdout.readline() if process.stdout else ""
    endpoint = banner.split(" on ", 1)[1].split()[0]
    return process, endpoint


def start_server(code: str) -> tuple[subprocess.Popen[str], str]:
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-c", code.format(port=port)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, text=True,
    )  # fmt: skip
    endpoint = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            client_for(endpoint).list_domains()
            return process, endpoint
        except Exception:  # noqa: BLE001 - not listening yet
            time.sleep(0.2)
    process.kill()
    raise RuntimeError(f"no server answered on {endpoint}")


def cpu_seconds(pid: int) -> float | None:
    """The CPU time a process has used (Linux; None elsewhere)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def fresh_domain(client: Any, reset: bool = True) -> None:
    """The state every round starts from: a reset (moto's, over HTTP), then the domain."""
    if reset:
        host, port = client.meta.endpoint_url.removeprefix("http://").split(":")
        connection = http.client.HTTPConnection(host, int(port), timeout=30)
        connection.request("POST", "/moto-api/reset")
        assert connection.getresponse().status == 200
        connection.close()
    client.create_domain(DomainName=DOMAIN, DefaultExpirationDays=30)
    client.put_profile_object_type(DomainName=DOMAIN, ObjectTypeName="Order", **ORDER_TYPE)


def kept_alive(endpoint: str) -> tuple[bool, str]:
    """Whether one connection serves three requests, and what was seen."""
    host, port = endpoint.removeprefix("http://").split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=30)
    signed = ("AWS4-HMAC-SHA256 Credential=testing/20261122/us-east-1/profile/aws4_request, "
              "SignedHeaders=host, Signature=0000")  # fmt: skip
    local_ports, closes = set(), 0
    for _ in range(3):
        connection.request("GET", f"/domains/{DOMAIN}", headers={"Authorization": signed})
        assert connection.sock is not None  # http.client connects again when it must
        local_ports.add(connection.sock.getsockname()[1])
        response = connection.getresponse()
        response.read()
        assert response.status == 200
        closes += (response.getheader("Connection") or "").lower() == "close"
    connection.close()
    seen = f"{len(local_ports)} connection(s) for 3 requests, {closes} Connection: close"
    return closes == 0 and len(local_ports) == 1, seen


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--calls", type=int, default=200, help="calls a round, one client")
    parser.add_argument("--seconds", type=float, default=2.0, help="a round, 16 clients")
    parser.add_argument("--client-processes", type=int, default=2)
    parser.add_argument("--also", default="", help="waitress,cheroot: cp_mock's app under them")
    args = parser.parse_args()
    processes = max(args.client_processes, 1)

    servers: dict[str, tuple[subprocess.Popen[str], str]] = {}
    clients = ClientProcesses(processes)
    try:
        servers["cp-mock server"] = start_cp_mock_server()
        servers["moto_server"] = start_server(MOTO_SERVER)
        for name in filter(None, args.also.split(",")):
            servers[f"{name} (cp_mock's app)"] = start_server(OTHER_SERVERS[name])
        setup = {name: client_for(endpoint) for name, (_, endpoint) in servers.items()}
        alive = {name: kept_alive_after_setup(setup[name], e) for name, (_, e) in servers.items()}
        per_call: dict[tuple[str, str], list[float]] = {}
        rates: dict[tuple[str, str, int], list[float]] = {}
        server_cpu: dict[tuple[str, str], list[float]] = {}  # seconds a call
        spreads = sorted({processes, 1})
        for _ in range(args.rounds):
            for workload in WORKLOADS:
                clients.fresh_in_process()
                per_call.setdefault(("in process, HTTP way", workload), []).append(
                    clients.calls(None, workload, args.calls)
                )
                for name, (process, endpoint) in servers.items():
                    fresh_domain(setup[name])
                    per_call.setdefault((name, workload), []).append(
                        clients.calls(endpoint, workload, args.calls)
                    )
                    for spread in spreads:
                        fresh_domain(setup[name])
                        before = cpu_seconds(process.pid)
                        rate = clients.throughput(endpoint, workload, spread, args.seconds)
                        rates.setdefault((name, workload, spread), []).append(rate)
                        after = cpu_seconds(process.pid)
                        if before is not None and after is not None and spread == processes:
                            used = (after - before) / (rate * args.seconds)
                            server_cpu.setdefault((name, workload), []).append(used)
    finally:
        clients.close()
        for process, _ in servers.values():
            process.terminate()
            process.wait(timeout=30)
    report(args, servers, alive, per_call, rates, server_cpu, spreads, processes)
    return 0


def kept_alive_after_setup(client: Any, endpoint: str) -> tuple[bool, str]:
    fresh_domain(client)
    return kept_alive(endpoint)


def report(
    args: argparse.Namespace,
    servers: dict[str, Any],
    alive: dict[str, tuple[bool, str]],
    per_call: dict[tuple[str, str], list[float]],
    rates: dict[tuple[str, str, int], list[float]],
    server_cpu: dict[tuple[str, str], list[float]],
    spreads: list[int],
    processes: int,
) -> None:
    import botocore
    import moto

    def median(values: list[float]) -> float:
        return statistics.median(values)

    print(
        f"Benchmark 8: server mode beside moto_server (moto {moto.__version__}, boto3 "
        f"{boto3.__version__}, botocore {botocore.__version__}, Python "
        f"{sys.version.split()[0]}, {os.cpu_count()} cores), medians of {args.rounds} rounds"
    )
    rows = [
        (f"connections kept alive: {name}", "yes" if kept else "no", seen, "kept alive")
        for name, (kept, seen) in alive.items()
    ]
    print(table(rows, ("measure", "result", "seen", "target")))
    print()

    def ratio(ours: list[float], theirs: list[float]) -> str:
        """The median of the rounds' ratios (each of two figures measured side by side),
        with their range."""
        ratios = [a / b for a, b in zip(ours, theirs, strict=True)]
        return f"{median(ratios):.2f} ({min(ratios):.2f}-{max(ratios):.2f})"

    rows = []
    for workload in WORKLOADS:
        floor = per_call["in process, HTTP way", workload]
        rows.append((f"{workload}: in process, HTTP way", f"{median(floor) * 1e3:.3f}", "", ""))
        for name in servers:
            cost = per_call[name, workload]
            target = "<= 3" if name == "cp-mock server" else ""
            rows.append(
                (f"{workload}: {name}", f"{median(cost) * 1e3:.3f}", ratio(cost, floor), target)
            )
    print(f"One client's call, one after another ({args.calls} a round): ms a call")
    print(table(rows, ("workload: served by", "ms", "/ in process (range)", "target")))
    print()
    rows = []
    for (name, workload), used in server_cpu.items():
        rows.append((f"{workload}: {name}", f"{median(used) * 1e6:.0f}"))
    if rows:
        print(f"The server process's CPU time a call, {processes} client process(es): microseconds")
        print(table(rows, ("workload: server", "CPU us a call")))
        print()
    rows = []
    for workload, spread in itertools.product(WORKLOADS, spreads):
        moto_rates = rates["moto_server", workload, spread]
        for name in servers:
            measured = rates[name, workload, spread]
            target = ""
            if name == "cp-mock server":
                target = ">= 3" if spread == processes else "(one process's cap)"
            rows.append(
                (
                    f"{workload}, {spread} process(es): {name}",
                    f"{median(measured):.0f} ({min(measured):.0f}-{max(measured):.0f})",
                    "" if name == "moto_server" else ratio(measured, moto_rates),
                    target,
                )
            )
    print(f"{THREADS} boto3 clients in threads, {args.seconds:g} s a round: calls/s (range)")
    print(table(rows, ("workload, client processes: server", "calls/s", "/ moto_server (range)",
                       "target")))  # fmt: skip


if __name__ == "__main__":
    sys.exit(main())
