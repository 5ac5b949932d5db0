"""The Dask backend on a small in-process LocalCluster: the same answers as a local run."""
from __future__ import annotations

import pytest

pl = pytest.importorskip("polars")
distributed = pytest.importorskip("distributed")

from engine.batch.compile import compile_plan  # noqa: E402
from engine.batch.run import run_batch  # noqa: E402
from engine.load.build import load  # noqa: E402

LT = "rules/lt/benefits-for-children"


def test_dask_local_cluster_gives_the_local_answers(tmp_path):
    src = tmp_path / "cases.jsonl"
    src.write_text("\n".join(open(f"{LT}/examples/cases.jsonl").read().splitlines()[:40]) + "\n")
    plan = compile_plan(load(LT))
    local, remote = tmp_path / "local.parquet", tmp_path / "dask.parquet"
    run_batch(plan, LT, src, local, chunk=15, workers=1, progress=False)
    with distributed.LocalCluster(n_workers=1, threads_per_worker=1, processes=False,
                                  dashboard_address=None) as cluster, \
            distributed.Client(cluster) as client:
        state = run_batch(plan, LT, src, remote, chunk=15, progress=False, dask=client)
    assert state.rows == 40 and not state.errors
    assert pl.read_parquet(remote).equals(pl.read_parquet(local))


def test_cli_dask_address(tmp_path):
    from engine.cli.main import main
    src = tmp_path / "cases.jsonl"
    src.write_text("\n".join(open(f"{LT}/examples/cases.jsonl").read().splitlines()[:10]) + "\n")
    with distributed.LocalCluster(n_workers=1, threads_per_worker=1, processes=False,
                                  dashboard_address=None) as cluster:
        code = main(["batch", LT, str(src), "--out", str(tmp_path / "o.csv"), "--dask",
                     cluster.scheduler_address, "--no-progress"])
    assert code == 0
    assert len((tmp_path / "o.csv").read_text().splitlines()) == 11
