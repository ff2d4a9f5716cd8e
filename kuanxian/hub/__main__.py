"""`python -m kuanxian.hub`: serve the hub."""

from __future__ import annotations

import logging
import sys

from kuanxian.settings import Settings, SettingsError


def main() -> int:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s hub %(levelname)s %(name)s: %(message)s")
    try:
        settings = Settings.from_env()
    except SettingsError as exc:
        print(f"kuanxian hub: refusing to start: {exc}", file=sys.stderr)
        return 2
    from kuanxian.hub.app import create_app

    app = create_app(settings)
    app.run(host=settings.host, port=settings.port, single_process=True, access_log=False, motd=False)
    return 0


if __name__ == "__main__":
    sys.exit(main())
