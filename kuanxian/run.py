"""`make run` (`python -m kuanxian.run`): start Rasa, the action servers and the hubs, and supervise them.

See `kuanxian.supervisor` for the behaviour (topology, run lock, restarts, refusals,
shutdown order) and `kuanxian.supervisor.cli` for the exit statuses.
"""

from __future__ import annotations

import sys

from kuanxian.supervisor.cli import main

if __name__ == "__main__":
    sys.exit(main())
