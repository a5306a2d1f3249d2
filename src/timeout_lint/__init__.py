"""timeout-lint: finds the hop on a request path that gives up before the app has answered."""

__version__ = "0.1.0"
