"""The process supervisor behind `make run` (`python -m kuanxian.run`).

Modules, from the outside in:

- `cli`: the entry point: read the topology, take the run lock, check ports,
  build the services, supervise them, clean up.
- `supervisor`: `supervise(services, ...)`, the restart / refusal / shutdown logic.
  It knows nothing about Rasa, so tests drive it with tiny stand-in children.
- `children`: one child process: its own process group, a parent-death signal,
  log relaying with a `[name]` prefix, group termination.
- `services`: the `Service` description and the real product's service list.
- `topology`, `endpoints`, `lock`, `ports`, `health`, `banner`, `paths`: the pieces.

This package uses only the standard library and PyYAML, so it starts even when
the rest of `kuanxian` is mid-change.
"""
