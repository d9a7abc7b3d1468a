"""The embedded server sized from memory: a new data folder starts with the settings, and a
changed size is applied at the next start."""

import shutil
import tempfile
from pathlib import Path

import psycopg

from tasks.storage import embedded_server
from tasks.storage.sizing import sizing_for, write_config


def show(url, name):
    with psycopg.connect(url) as conn:
        return conn.execute(f"SHOW {name}").fetchone()[0]


def test_sizing_follows_memory():
    machine = sizing_for(24 * 1024)
    assert (machine.shared_buffers_mb, machine.effective_cache_size_mb) == (6144, 12288)
    assert (machine.work_mem_mb, machine.maintenance_work_mem_mb) == (64, 1536)
    small = sizing_for(1024)
    assert (small.shared_buffers_mb, small.work_mem_mb) == (256, 4)
    assert sizing_for(256 * 1024).shared_buffers_mb == 8192  # capped


def test_a_new_and_a_resized_server_run_with_their_settings():
    home = Path(tempfile.mkdtemp(prefix="claimtrack-test-sizing-"))
    data_dir = home / "postgres"
    try:
        state = embedded_server.start(data_dir, sizing=sizing_for(1024))
        url = state.uri("postgres")
        assert show(url, "shared_buffers") == "256MB"
        assert show(url, "work_mem") == "4MB"
        assert show(url, "random_page_cost") == "1.1"
        assert not write_config(data_dir, sizing_for(1024))  # nothing to change
        embedded_server.stop(data_dir)
        state = embedded_server.start(data_dir, sizing=sizing_for(2048))
        assert show(state.uri("postgres"), "shared_buffers") == "512MB"
        assert show(state.uri("postgres"), "effective_cache_size") == "1GB"
    finally:
        embedded_server.stop(data_dir)
        shutil.rmtree(home, ignore_errors=True)
