"""`python -m kuanxian.safety` — lint, check, distress and docs commands."""

from .lint import main

if __name__ == "__main__":
    raise SystemExit(main())
