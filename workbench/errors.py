"""The one exception type faces catch: every layer's user-facing error derives from it.

Its message is a single line that names the file, field or model at fault and, where there is
one, the command that fixes it.
"""


class WorkbenchError(Exception):
    """An error to show the user as one line, not a traceback."""
