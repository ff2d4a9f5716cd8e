"""Custom Rasa 3.6 graph components (imported only inside the Rasa venv).

Reference them in config.yml by module path, e.g.
`kuanxian.rasa_components.distress.DistressDetector`. Nothing is imported
here so that the package can be inspected without Rasa installed.
"""
