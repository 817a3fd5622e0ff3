import os
import subprocess
import sys

from harness.procs import (
    children,
    command_line,
    cpu_seconds,
    descendants,
    find_child,
    own_rss_kb,
    parse_ppid,
    parse_stat_cpu,
    parse_stat_start,
    parse_status,
    rss_kb,
    rss_tree,
    started_at,
)


def test_proc_parsers() -> None:
    assert parse_status("VmHWM:\t  2048 kB\nVmRSS:\t  1024 kB\n") == {
        "VmRSS": 1024 * 1024,
        "VmHWM": 2048 * 1024,
    }
    assert parse_status("Name:\tzombie\n") == {"VmRSS": 0, "VmHWM": 0}
    stat = "12 (rasa run (x)) S " + " ".join(str(i) for i in range(4, 30))
    assert parse_stat_start(stat) == 22 and parse_stat_cpu(stat) == 14 + 15
    assert parse_ppid(stat) == 4


def test_a_child_process_is_found_measured_and_gone_once_stopped() -> None:
    child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
    try:
        me = os.getpid()
        assert child.pid in children(me) and descendants(me)[0] == me
        assert child.pid in descendants(me)
        assert find_child(me, "time.sleep(30)", 5.0) == child.pid
        assert "time.sleep(30)" in command_line(child.pid)
        assert rss_kb(child.pid) > 0 and own_rss_kb() > 0
        tree = rss_tree(me)
        assert tree["processes"] >= 2 and tree["VmHWM"] >= tree["VmRSS"] > own_rss_kb() * 1024
        assert cpu_seconds(me) > 0 and (started_at(child.pid) or 0) > 0
    finally:
        child.kill()
        child.wait()
    assert rss_kb(child.pid) == 0 and command_line(child.pid) == ""
    assert started_at(child.pid) is None
