"""PostgreSQL's memory settings sized from the machine, for the embedded server (and printed by
`claimtrack db sizing` for a managed one).

PostgreSQL's defaults (128 MB of shared buffers, 4 MB of work memory) suit a server that shares a
small machine with anything. A million claims hold about 1.5 GB of tables and indexes; with the
defaults, candidate retrieval reads most index pages from the operating system again and again.
The rules are the usual ones for a server that is the machine's main job: a quarter of memory
for shared buffers, half of it as the planner's idea of the cache, work memory per sort and hash
scaled to memory and the connections.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

MB = 1024 * 1024
CONFIG_FILE = "claimtrack.conf"
_INCLUDE = f"include_if_exists = '{CONFIG_FILE}'"
# cgroup v2, then v1: a container's limit, when it is below the machine's memory
_CGROUP_LIMITS = (
    Path("/sys/fs/cgroup/memory.max"),
    Path("/sys/fs/cgroup/memory/memory.limit_in_bytes"),
)


@dataclass(frozen=True)
class ServerSizing:
    memory_mb: int
    shared_buffers_mb: int
    effective_cache_size_mb: int
    work_mem_mb: int
    maintenance_work_mem_mb: int

    def parameters(self) -> dict[str, str]:
        return {
            "shared_buffers": f"{self.shared_buffers_mb}MB",
            "effective_cache_size": f"{self.effective_cache_size_mb}MB",
            "work_mem": f"{self.work_mem_mb}MB",
            "maintenance_work_mem": f"{self.maintenance_work_mem_mb}MB",
            # data folders live on SSDs nowadays: an index page is not 4x dearer than a heap scan's
            "random_page_cost": "1.1",
        }

    def config_text(self) -> str:
        lines = [
            f"# written by claimtrack for {self.memory_mb} MB of memory "
            "(CLAIMTRACK_DATABASE_MEMORY_MB); rewritten when that changes",
        ]
        lines += [f"{name} = '{value}'" for name, value in self.parameters().items()]
        return "\n".join(lines) + "\n"


def machine_memory_mb() -> int:
    """The machine's physical memory, or the container's limit when lower."""
    total = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    for limit_file in _CGROUP_LIMITS:
        try:
            text = limit_file.read_text().strip()
        except OSError:
            continue
        if text.isdigit():
            total = min(total, int(text))
    return max(1, total // MB)


def sizing_for(memory_mb: int) -> ServerSizing:
    """The settings for a server given `memory_mb` of memory."""
    return ServerSizing(
        memory_mb=memory_mb,
        shared_buffers_mb=max(128, min(memory_mb // 4, 8192)),
        effective_cache_size_mb=max(512, memory_mb // 2),
        # a sort or hash each, in up to ~60 sessions at once (workers, web app, scheduler)
        work_mem_mb=max(4, min(memory_mb // 256, 64)),
        maintenance_work_mem_mb=max(64, min(memory_mb // 16, 2048)),
    )


def write_config(data_dir: Path, sizing: ServerSizing) -> bool:
    """Write the sizing into the data folder and include it from postgresql.conf; True when
    anything changed (the server must then be restarted for shared_buffers)."""
    config = data_dir / CONFIG_FILE
    text = sizing.config_text()
    changed = not config.exists() or config.read_text() != text
    if changed:
        config.write_text(text)
        config.chmod(0o644)  # the server's own user reads it
    main_config = data_dir / "postgresql.conf"
    if _INCLUDE not in main_config.read_text():
        with main_config.open("a") as handle:
            handle.write(f"\n{_INCLUDE}\n")
        changed = True
    return changed
