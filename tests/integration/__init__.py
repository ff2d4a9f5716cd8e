"""Whole-stack tests: the real trained model, action server and hub, driven through the hub's public API."""
