"""The one exception type faces catch: every layer's user-facing error derives from it.

Its message is a single line that names the file, field or model at fault and, where there is
one, the command that fixes it.
"""


class WorkbenchError(Exception):
    """An error to show the user as one line, not a traceback."""


class UsageError(WorkbenchError):
    """A request that cannot work as asked, found after parsing (e.g. GPUs from a cluster that
    has none): one line and exit status 2, like the parser's usage errors."""

    exit_status = 2
