"""The hub's HTTP and WebSocket API, one blueprint per audience."""
