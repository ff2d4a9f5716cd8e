"""The action server: thin rasa_sdk adapters over kuanxian, one module per concept.

Actions read (never write) the shared database, compose replies from
kuanxian.replies and return typed commands (kuanxian.commands) for the hub.
"""
