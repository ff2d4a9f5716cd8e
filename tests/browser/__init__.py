"""Browser tests: the widget and the console in real headless Chromium."""
