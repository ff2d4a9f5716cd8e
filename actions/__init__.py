"""Thin rasa_sdk adapters around the `kuanxian` package, one module per concept."""
