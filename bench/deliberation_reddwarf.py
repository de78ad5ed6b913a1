"""Speed and memory of the opinion-mapping engine against red-dwarf 0.4.0, same run, same input.

    .venv/bin/python bench/deliberation_reddwarf.py [--seed 1] [--quick] [--skip-peer]

red-dwarf (a Python reproduction of Polis's pipeline) is not a dependency of the project: it runs in
an environment of its own, created on first use from bench/requirements-peers.txt in
$VECHE_BENCH_PEERS (default /tmp/veche-bench-peers), with `bench/peers/reddwarf_run.py`.

One run:
1. generates a conversation with planted opinion groups (`planted_conversation`: 20,000 participants x
   2,000 statements, about 40 votes each, 4 groups) and writes it as a Polis export (comments.csv,
   votes.csv) in a temporary folder;
2. in a process of its own each: our `read_polis` + `cluster()`, and red-dwarf's CSV loading +
   `reddwarf.implementations.polis.run_pipeline`; each reports the seconds of the computation (the
   clustering, without reading the files; reading is shown on its own line), the peak resident memory
   of its process (getrusage ru_maxrss: files, matrix and computation together) and its groups, which
   are scored against the planted ones (adjusted Rand index, over the participants each method grouped);
3. an update: our `cluster()` on the conversation without its last 1,000 vote rows, then, timed,
   `cluster(previous=state)` on the whole: against red-dwarf's full run of step 2 (it has no update);
4. 100,000 x 1,000 (about 50 votes each), ours only, generated in the child process.

It prints a table (seconds, peak MB, ratios, targets) and exits with 1 when a target is missed:
at least 10x faster and at most a quarter of red-dwarf's peak memory on 20,000 x 2,000, adjusted Rand
at least 0.9 against the planted groups, 100,000 x 1,000 within 30 s, the update at least 50x faster
than red-dwarf's full run. --quick runs small sizes (to try the harness; its targets are not the
issue's). Progress goes to stderr.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
import venv
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

BENCH = Path(__file__).resolve().parent
REQUIREMENTS = BENCH / "requirements-peers.txt"
PEER_SCRIPT = BENCH / "peers" / "reddwarf_run.py"
PEER_ENV = Path(os.environ.get("VECHE_BENCH_PEERS", "/tmp/veche-bench-peers"))  # noqa: S108 - a cache

NEW_VOTES = 1_000


@dataclass(frozen=True)
class Sizes:
    participants: int
    statements: int
    per_participant: int
    groups: int
    large_participants: int
    large_statements: int
    large_per_participant: int


FULL = Sizes(20_000, 2_000, 40, 4, 100_000, 1_000, 50)
QUICK = Sizes(2_000, 200, 30, 3, 10_000, 200, 30)


def log(message: str) -> None:
    sys.stderr.write(f"[{time.strftime('%H:%M:%S')}] {message}\n")
    sys.stderr.flush()


# Scoring ---------------------------------------------------------------------------------------------


def adjusted_rand(truth: dict[int, int], found: dict[int, int]) -> float:
    """Adjusted Rand index of two labellings over the participants both have."""
    common = sorted(set(truth) & set(found))
    if len(common) < 2:
        return float("nan")
    a = np.array([truth[p] for p in common])
    b = np.array([found[p] for p in common])
    _, ai = np.unique(a, return_inverse=True)
    _, bi = np.unique(b, return_inverse=True)
    table = np.zeros((ai.max() + 1, bi.max() + 1), dtype=np.int64)
    np.add.at(table, (ai, bi), 1)

    def pairs(x: np.ndarray[Any, Any]) -> float:
        return float((x * (x - 1) // 2).sum())

    index = pairs(table)
    rows, cols, total = (
        pairs(table.sum(axis=1)),
        pairs(table.sum(axis=0)),
        len(common) * (len(common) - 1) / 2,
    )
    expected = rows * cols / total
    best = (rows + cols) / 2
    return 1.0 if best == expected else (index - expected) / (best - expected)


def load() -> str:
    return " ".join(f"{x:.1f}" for x in os.getloadavg())


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kilobytes on Linux


# Children: each measurement in a process of its own ----------------------------------------------


def child_ours(folder: str, seed: int) -> dict[str, Any]:
    from veche.deliberation.engine import cluster
    from veche.deliberation.engine.polis import read_polis

    start = time.perf_counter()
    votes = read_polis(folder).matrix()
    loaded, loaded_cpu = time.perf_counter(), time.process_time()
    result = cluster(votes, seed=seed)
    done, done_cpu = time.perf_counter(), time.process_time()
    return {
        "load_s": loaded - start,
        "compute_s": done - loaded,
        "compute_cpu_s": done_cpu - loaded_cpu,
        "peak_mb": peak_mb(),
        "k": result.k,
        "groups": {str(p): g for p, g in result.groups.items()},
    }


def child_update(folder: str, seed: int) -> dict[str, Any]:
    from veche.deliberation.engine import State, cluster
    from veche.deliberation.engine.polis import Conversation, read_polis

    conversation = read_polis(folder)
    before = Conversation(comments=conversation.comments, votes=conversation.votes[:-NEW_VOTES]).matrix()
    after = conversation.matrix()
    first = cluster(before, seed=seed)
    state = State.from_json(json.loads(json.dumps(first.state.to_json())))  # as the database keeps it
    start, start_cpu = time.perf_counter(), time.process_time()
    result = cluster(after, previous=state, seed=seed)
    done, done_cpu = time.perf_counter(), time.process_time()
    return {
        "compute_s": done - start,
        "compute_cpu_s": done_cpu - start_cpu,
        "peak_mb": peak_mb(),
        "k": result.k,
        "groups": {str(p): g for p, g in result.groups.items()},
    }


def child_large(sizes: Sizes, seed: int) -> dict[str, Any]:
    from veche.deliberation.engine import cluster
    from veche.deliberation.engine.synthetic import planted_conversation

    start = time.perf_counter()
    votes, truth = planted_conversation(
        sizes.large_participants, sizes.large_statements, sizes.large_per_participant, sizes.groups, seed
    )
    generated, generated_cpu = time.perf_counter(), time.process_time()
    result = cluster(votes, seed=seed)
    done, done_cpu = time.perf_counter(), time.process_time()
    return {
        "generate_s": generated - start,
        "compute_s": done - generated,
        "compute_cpu_s": done_cpu - generated_cpu,
        "peak_mb": peak_mb(),
        "k": result.k,
        "votes": len(votes),
        "ari": adjusted_rand(truth, result.groups),
        "grouped": len(result.groups),
    }


def run_child(command: list[str], what: str) -> dict[str, Any]:
    log(f"{what} ...")
    start = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, check=False)  # noqa: S603 - our scripts
    if done.returncode != 0:
        sys.stderr.write(done.stderr)
        raise SystemExit(f"{what} failed (exit {done.returncode})")
    answer: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    log(f"{what}: {time.perf_counter() - start:.1f} s in all")
    return answer


def peer_python(setup: bool) -> Path:
    """The peers' interpreter; the environment is created from requirements-peers.txt when missing."""
    python = PEER_ENV / "bin" / "python"
    if python.exists() and not setup:
        return python
    log(f"creating the peers' environment in {PEER_ENV} from {REQUIREMENTS.name}")
    venv.EnvBuilder(with_pip=True, clear=setup).create(PEER_ENV)
    subprocess.run(  # noqa: S603 - pip of the environment just made
        [str(python), "-m", "pip", "install", "-q", "-r", str(REQUIREMENTS)], check=True
    )
    return python


# The run ---------------------------------------------------------------------------------------------


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--quick", action="store_true", help="small sizes, to try the harness")
    parser.add_argument("--skip-peer", action="store_true", help="ours only (no ratios)")
    parser.add_argument("--setup-peers", action="store_true", help="(re)create the peers' environment")
    parser.add_argument("--child", choices=("ours", "update", "large"), help=argparse.SUPPRESS)
    parser.add_argument("--folder", help=argparse.SUPPRESS)
    args = parser.parse_args()
    sizes = QUICK if args.quick else FULL

    if args.child:
        if args.child == "ours":
            answer = child_ours(args.folder, args.seed)
        elif args.child == "update":
            answer = child_update(args.folder, args.seed)
        else:
            answer = child_large(sizes, args.seed)
        sys.stdout.write(json.dumps(answer) + "\n")
        return 0

    from veche.deliberation.engine.polis import write_polis
    from veche.deliberation.engine.synthetic import as_conversation, planted_conversation

    python = None if args.skip_peer else peer_python(args.setup_peers)
    me = [sys.executable, str(Path(__file__).resolve()), "--seed", str(args.seed)] + (
        ["--quick"] if args.quick else []
    )
    with tempfile.TemporaryDirectory(prefix="veche-bench-") as tmp:
        log(f"generating {sizes.participants:,} x {sizes.statements:,}, {sizes.groups} planted groups")
        votes, truth = planted_conversation(
            sizes.participants, sizes.statements, sizes.per_participant, sizes.groups, args.seed
        )
        write_polis(tmp, as_conversation(votes))
        log(f"{len(votes):,} votes written as a Polis export")
        ours = run_child([*me, "--child", "ours", "--folder", tmp], "ours: read_polis + cluster()")
        peer = None
        if python is not None:
            peer = run_child(
                [str(python), "-W", "ignore", str(PEER_SCRIPT), tmp, "--seed", str(args.seed)],
                "red-dwarf 0.4.0: load + run_pipeline",
            )
        update = run_child(
            [*me, "--child", "update", "--folder", tmp], f"ours: update after {NEW_VOTES:,} votes"
        )
    large_size = f"{sizes.large_participants // 1000}k x {sizes.large_statements:,}"
    large = run_child([*me, "--child", "large"], f"ours: {large_size}")

    def groups_of(answer: dict[str, Any]) -> dict[int, int]:
        return {int(p): int(g) for p, g in answer["groups"].items()}

    ari_ours = adjusted_rand(truth, groups_of(ours))
    ari_peer = adjusted_rand(truth, groups_of(peer)) if peer else float("nan")
    ari_update = adjusted_rand(truth, groups_of(update))
    size = f"{sizes.participants // 1000}k x {sizes.statements:,}"
    rows: list[tuple[str, str, str, str, str, bool | None]] = []

    def add(line: str, mine: str, theirs: str, ratio: str, target: str, ok: bool | None) -> None:
        rows.append((line, mine, theirs, ratio, target, ok))

    speed = peer["compute_s"] / ours["compute_s"] if peer else None
    memory = ours["peak_mb"] / peer["peak_mb"] if peer else None
    add(
        f"{size}: reading the Polis files, s",
        f"{ours['load_s']:.2f}",
        f"{peer['load_s']:.2f}" if peer else "-",
        f"{peer['load_s'] / ours['load_s']:.1f}x" if peer else "-",
        "-",
        None,
    )
    add(
        f"{size}: clustering, s",
        f"{ours['compute_s']:.2f}",
        f"{peer['compute_s']:.2f}" if peer else "-",
        f"{speed:.1f}x" if speed else "-",
        ">= 10x faster",
        speed >= 10 if speed else None,
    )
    cpu = peer["compute_cpu_s"] / ours["compute_cpu_s"] if peer else None
    add(
        f"{size}: clustering, CPU s (load-proof; information)",
        f"{ours['compute_cpu_s']:.2f}",
        f"{peer['compute_cpu_s']:.2f}" if peer else "-",
        f"{cpu:.1f}x" if cpu else "-",
        "(>= 10x)",
        None,
    )
    add(
        f"{size}: peak memory of the process, MB",
        f"{ours['peak_mb']:.0f}",
        f"{peer['peak_mb']:.0f}" if peer else "-",
        f"{memory:.2f}" if memory else "-",
        "<= 0.25 of the peer's",
        memory <= 0.25 if memory else None,
    )
    add(
        f"{size}: adjusted Rand vs planted ({sizes.groups} groups)",
        f"{ari_ours:.3f} (k {ours['k']})",
        f"{ari_peer:.3f} (k {peer['k']})" if peer else "-",
        "-",
        ">= 0.9",
        ari_ours >= 0.9,
    )
    ratio_update = peer["compute_s"] / update["compute_s"] if peer else None
    add(
        f"{size}: update after {NEW_VOTES:,} new votes, s (peer: full run)",
        f"{update['compute_s']:.3f}",
        f"{peer['compute_s']:.2f}" if peer else "-",
        f"{ratio_update:.0f}x" if ratio_update else "-",
        ">= 50x faster",
        ratio_update >= 50 if ratio_update else None,
    )
    cpu_update = peer["compute_cpu_s"] / update["compute_cpu_s"] if peer else None
    add(
        f"{size}: update, CPU s (peer: full run; information)",
        f"{update['compute_cpu_s']:.3f}",
        f"{peer['compute_cpu_s']:.2f}" if peer else "-",
        f"{cpu_update:.0f}x" if cpu_update else "-",
        "(>= 50x)",
        None,
    )
    add(
        f"{size}: adjusted Rand after the update",
        f"{ari_update:.3f} (k {update['k']})",
        "-",
        "-",
        ">= 0.9",
        ari_update >= 0.9,
    )
    add(
        f"{large_size} ({large['votes']:,} votes): clustering, s",
        f"{large['compute_s']:.2f}",
        "not run",
        "-",
        "<= 30 s",
        large["compute_s"] <= 30,
    )
    add(
        f"{large_size}: clustering, CPU s (information)",
        f"{large['compute_cpu_s']:.2f}",
        "-",
        "-",
        "(<= 30 s)",
        None,
    )
    add(
        f"{large_size}: peak MB; adjusted Rand",
        f"{large['peak_mb']:.0f}; {large['ari']:.3f} (k {large['k']})",
        "-",
        "-",
        ">= 0.9",
        large["ari"] >= 0.9,
    )

    print(f"deliberation engine vs red-dwarf 0.4.0, seed {args.seed}{' (quick sizes)' if args.quick else ''}")
    print(f"{len(votes):,} votes on {size}; {large['votes']:,} on {large_size}; load average {load()}")
    print()
    print("| line | ours | red-dwarf | ratio | target | ok |")
    print("| --- | ---: | ---: | ---: | --- | --- |")
    for line, mine, theirs, ratio, target, ok in rows:
        mark = "-" if ok is None else ("yes" if ok else "NO")
        print(f"| {line} | {mine} | {theirs} | {ratio} | {target} | {mark} |")
    missed = [row[0] for row in rows if row[5] is False]
    if missed:
        print()
        print("missed: " + "; ".join(missed))
    return 1 if missed else 0


if __name__ == "__main__":
    raise SystemExit(main())
