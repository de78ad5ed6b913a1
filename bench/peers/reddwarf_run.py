"""Run red-dwarf 0.4.0's full Polis pipeline on a Polis export folder; print one JSON line.

Runs in the peers' own environment (bench/requirements-peers.txt), never the project's, and imports
nothing of Veche. The files are read the way red-dwarf reads a Polis CSV export
(`Loader.load_remote_export_data_comments` / `_votes`, then `filter_duplicate_votes(keep="recent")`),
with the HTTP session replaced by one that reads the local folder; then
`reddwarf.implementations.polis.run_pipeline` with the moderated-out statements.

    python bench/peers/reddwarf_run.py DIR [--seed 0]

Output: {"load_s", "compute_s" (wall), "compute_cpu_s" (CPU time of the process, all its threads),
"peak_mb", "k", "groups": {"<pid>": g}}.
"""

import argparse
import json
import resource
import sys
import time
from pathlib import Path


class _LocalResponse:
    def __init__(self, text: str) -> None:
        self.text = text


class _LocalSession:
    """Stands in for red-dwarf's requests session: `get(url)` reads `DIR/<name>` from disk."""

    def get(self, url: str) -> _LocalResponse:
        return _LocalResponse(Path(url).read_text(encoding="utf-8"))


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("folder")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()

    from reddwarf.data_loader import Loader
    from reddwarf.implementations.polis import run_pipeline

    start = time.perf_counter()
    loader = Loader()  # no source given: loads nothing
    loader.session = _LocalSession()
    directory = str(Path(args.folder).resolve()) + "/"
    loader.load_remote_export_data_comments(directory)
    loader.load_remote_export_data_votes(directory)
    loader.filter_duplicate_votes(keep="recent")
    mod_out = [c["statement_id"] for c in loader.comments_data if c["moderated"] == -1]
    meta = [c["statement_id"] for c in loader.comments_data if c.get("is_meta")]
    loaded, loaded_cpu = time.perf_counter(), time.process_time()

    result = run_pipeline(
        votes=loader.votes_data,
        mod_out_statement_ids=mod_out,
        meta_statement_ids=meta,
        random_state=args.seed,
    )
    done, done_cpu = time.perf_counter(), time.process_time()

    labels = result.participants_df["cluster_id"]
    groups = {str(int(pid)): int(g) for pid, g in labels.items() if g is not None and str(g) != "<NA>"}
    k = len(set(groups.values()))
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    json.dump(
        {
            "load_s": loaded - start,
            "compute_s": done - loaded,
            "compute_cpu_s": done_cpu - loaded_cpu,
            "peak_mb": peak_mb,
            "k": k,
            "groups": groups,
        },
        sys.stdout,
    )
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
